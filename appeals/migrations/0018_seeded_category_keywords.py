"""Gives the categories seeded before keywords existed the catalogue's everyday words, so intake's
search finds "свет" in an akimat onboarded earlier. A category the akimat has given words of its own
keeps them; codes the catalogue does not list are left alone."""

import csv
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue" / "data" / "categories.csv"


def seeded_keywords(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        words = {
            row["code"]: [w.strip() for w in (row.get("keywords") or "").split(";") if w.strip()]
            for row in csv.DictReader(handle)
        }
    for category in Category.objects.filter(code__in=list(words), keywords=[]):
        category.keywords = words[category.code]
        category.save(update_fields=["keywords"])


class Migration(migrations.Migration):
    dependencies = [("appeals", "0017_category_keywords")]

    operations = [migrations.RunPython(seeded_keywords, migrations.RunPython.noop)]
