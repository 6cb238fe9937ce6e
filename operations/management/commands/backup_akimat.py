"""manage.py backup_akimat <slug> --out <file>: one akimat's logical backup (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backups.backup import backup_akimat
from operations.backups.errors import BackupError


class Command(BaseCommand):
    help = "Back up one akimat: its schema, its public rows and its attachment files, in one archive."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--out", required=True, type=Path, help="the archive to write (must not exist)")

    def handle(self, *args, slug: str, out: Path, **options):
        try:
            result = backup_akimat(slug, Path(out))
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{count} {what}" for what, count in result.counts.items())
        self.stdout.write(f"{slug}: {counts} -> {result.path} ({result.bytes} bytes)")
