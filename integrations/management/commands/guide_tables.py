"""Print the integrators' guide's generated tables; --write puts them into graphql/README.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from integrations.guide_tables import BLOCKS, GUIDE, rewritten


class Command(BaseCommand):
    help = f"What the integrator role may do, and who may run each example; --write updates {GUIDE}."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"rewrite the tables in {GUIDE}")

    def handle(self, *args, **options):
        if not options["write"]:
            for make in BLOCKS.values():
                self.stdout.write(make() + "\n")
            return
        page = Path(settings.BASE_DIR) / GUIDE
        try:
            text = rewritten(page.read_text(encoding="utf-8"))
        except ValueError as error:
            raise CommandError(str(error)) from None
        page.write_text(text, encoding="utf-8")
        self.stdout.write(f"{GUIDE}: tables updated")
