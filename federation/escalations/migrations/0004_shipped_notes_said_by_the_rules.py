"""The shipped rules' notes were English ("default", "inter-district roads, main pipelines") and
showed so on the Kazakh and Russian rules page; what they said is the rule itself (its category's
name, its triggers). Cleared where still as shipped; a note someone wrote stays."""

from django.db import migrations

SHIPPED = {"*": "default", "regional-objects": "inter-district roads, main pipelines"}


def clear_shipped_notes(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return  # a shared app: its tables live in the public schema only
    EscalationRule = apps.get_model("escalations", "EscalationRule")  # noqa: N806 - the linter's name
    for category, note in SHIPPED.items():
        EscalationRule.objects.filter(category=category, note=note).update(note="")


class Migration(migrations.Migration):
    dependencies = [("escalations", "0003_rules_in_one_language_and_change_log")]

    operations = [migrations.RunPython(clear_shipped_notes, migrations.RunPython.noop)]
