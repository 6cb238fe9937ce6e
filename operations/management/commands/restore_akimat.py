"""manage.py restore_akimat <file> [--as <slug>] [--replace]: restore one akimat (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups.errors import BackupError
from operations.backups.restore import restore_akimat


class Command(BaseCommand):
    help = "Restore one akimat from its backup archive, here or in another deployment, and resync the region."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--as", dest="as_slug", help="restore under this slug instead of the archive's")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite the akimat of that slug if this deployment has it",
        )

    def handle(self, *args, archive: Path, as_slug: str | None, replace: bool, **options):
        try:
            result = restore_akimat(Path(archive), as_slug=as_slug, replace=replace, say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{count} {what}" for what, count in result.counts.items())
        self.stdout.write(f"{result.slug}: {'restored' if result.created else 'replaced'} ({counts})")
        for note in result.notes:
            self.stdout.write(f"  {note}")
