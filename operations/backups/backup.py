"""Back up one akimat: everything read under one REPEATABLE READ snapshot, which pg_dump shares, so the
appeals in the dump, the files listed and the public rows are of the same moment."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from appeals.models import Appeal, AppealEvent, Attachment
from appeals.models.appeal import prefix_of
from operations.backups import database, files, public_rows
from operations.backups.archive import DUMP, PUBLIC_ROWS, ArchiveWriter
from operations.backups.errors import BackupError
from operations.backups.federation_state import deployment, open_messages_from
from tenants.models import Akimat


@dataclass(frozen=True)
class BackupResult:
    path: Path
    counts: dict[str, int]
    bytes: int


def counts_of(schema: str) -> dict[str, int]:
    with schema_context(schema):
        return {
            "appeals": Appeal.objects.count(),
            "events": AppealEvent.objects.count(),
            "attachments": Attachment.objects.count(),
        }


def backup_akimat(slug: str, out: Path) -> BackupResult:
    akimat = Akimat.objects.exclude(schema_name=get_public_schema_name()).filter(slug=slug).first()
    if akimat is None:
        raise BackupError(f"no akimat {slug!r} in this deployment")
    if out.exists():
        raise BackupError(f"{out} exists: choose another file (a backup never overwrites one)")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory")
    partial = out.with_name(out.name + ".partial")
    writer = ArchiveWriter(partial)
    try:
        with tempfile.TemporaryDirectory(prefix="ikomek-backup-") as scratch:
            dump = Path(scratch) / DUMP
            manifest, attachments = _snapshot(akimat, dump)
            writer.add_file(DUMP, dump)
        writer.add_bytes(PUBLIC_ROWS, json.dumps(manifest.pop("public"), ensure_ascii=False).encode())
        files.back_up(writer, attachments)
        manifest["files"] = [name for name, _ in attachments]
        writer.close(manifest)
    except BaseException:
        writer.abort()
        raise
    partial.rename(out)
    return BackupResult(path=out, counts=manifest["counts"], bytes=out.stat().st_size)


def _snapshot(akimat: Akimat, dump: Path) -> tuple[dict, list[tuple[str, str]]]:
    """The dump and every row the archive describes, from one snapshot; (manifest, attachment files)."""
    schema = akimat.schema_name
    connection.set_schema_to_public()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot, snapshot_at = cursor.fetchone()
        database.dump_schema(schema, snapshot, dump)
        public = public_rows.collect(akimat)
        open_messages = open_messages_from(schema)
        migrations = database.applied_migrations(schema)
        counts = counts_of(schema)
        with schema_context(schema):
            attachments = list(Attachment.objects.order_by("id").values_list("file", "sha256"))
        connection.set_schema_to_public()
        manifest = {
            "akimat": {"slug": akimat.slug, "schema": schema, "kato": akimat.kato, "name_ru": akimat.name_ru},
            "created_at": timezone.now().isoformat(),
            "snapshot_at": snapshot_at.isoformat(),
            "deployment": deployment(),
            "base_domain": settings.BASE_DOMAIN,
            "migrations": migrations,
            "counts": counts,
            "open_messages": open_messages,
            "files_prefix": prefix_of(schema),
            "public": public,
        }
    return manifest, attachments
