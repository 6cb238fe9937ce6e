"""Write the last requestForService of each incident in the 112 register to a folder, one file each
(appeal numbers repeat across akimats, so the file name carries the akimat's schema)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from federation.emergency_112.models import Incident


class Command(BaseCommand):
    help = (
        "Write each incident's last requestForService to <folder>/<akimat schema>-<appeal number>.json "
        "(e.g. to check them against the official EIDO schema)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, **options):
        folder: Path = options["folder"]
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for incident in (
            Incident.objects.order_by("id").only("source_schema", "appeal_number", "document").iterator()
        ):
            path = folder / f"{incident.source_schema}-{incident.appeal_number}.json"
            path.write_text(
                json.dumps(incident.document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            count += 1
        self.stdout.write(f"{count} document(s) written to {folder}")
