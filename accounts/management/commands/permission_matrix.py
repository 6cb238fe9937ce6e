"""Print the permission matrix as Markdown; --write-readme puts it into README.md between its markers."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.matrix_table import END, START, readme_block


class Command(BaseCommand):
    help = "Print the role x operation matrix (Markdown); --write-readme updates README.md."

    def add_arguments(self, parser):
        parser.add_argument("--write-readme", action="store_true")

    def handle(self, *args, **options):
        if not options["write_readme"]:
            self.stdout.write(readme_block())
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        text = readme.read_text(encoding="utf-8")
        if START not in text or END not in text:
            raise CommandError(f"README.md has no {START} ... {END} markers")
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        readme.write_text(before + readme_block() + after, encoding="utf-8")
        self.stdout.write("README.md: permission matrix updated")
