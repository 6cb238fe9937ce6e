"""Print the permission matrix as Markdown; --write-docs puts it into docs/identity.md between its markers."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.matrix_table import DOCS_PAGE, END, START, marked_block


class Command(BaseCommand):
    help = f"Print the role x operation matrix (Markdown); --write-docs updates {DOCS_PAGE}."

    def add_arguments(self, parser):
        parser.add_argument("--write-docs", action="store_true", help=f"rewrite the table in {DOCS_PAGE}")

    def handle(self, *args, **options):
        if not options["write_docs"]:
            self.stdout.write(marked_block())
            return
        page = Path(settings.BASE_DIR) / DOCS_PAGE
        text = page.read_text(encoding="utf-8")
        if START not in text or END not in text:
            raise CommandError(f"{DOCS_PAGE} has no {START} ... {END} markers")
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        page.write_text(before + marked_block() + after, encoding="utf-8")
        self.stdout.write(f"{DOCS_PAGE}: permission matrix updated")
