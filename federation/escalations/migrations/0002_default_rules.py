"""The region's default escalation rules (editable in the regional admin)."""

from django.db import migrations

DEFAULTS = [
    # Every category: three SLA periods without an answer, or "not done" twice.
    {"category": "*", "overdue_multiple": 3, "not_done_times": 2, "note": "default"},
    # Objects of regional importance (inter-district roads, main pipelines) go to the region at once.
    {
        "category": "regional-objects",
        "overdue_multiple": 2,
        "not_done_times": 2,
        "regional_scope": True,
        "note": "inter-district roads, main pipelines",
    },
]


def add_defaults(apps, schema_editor):
    if schema_editor.connection.schema_name != "public":
        return  # a shared app: its tables live in the public schema only
    rule = apps.get_model("escalations", "EscalationRule")
    for values in DEFAULTS:
        rule.objects.get_or_create(category=values["category"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("escalations", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
