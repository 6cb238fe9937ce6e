"""Restore one akimat from its archive into this deployment (the one it came from, or another).

Order: check everything that can be checked first (archive, migrations, names); load the schema beside
any schema it replaces (renamed aside, dropped only once the new one is in); registry row, domains and
the region's records in one transaction; migrate the schema forward; put the files back; then make the
federation agree (federation_state) and redo the akimat's Keycloak provisioning (lifecycle restorers).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from appeals.models import Attachment
from appeals.models.appeal import prefix_of
from operations.backups import database, files, public_rows
from operations.backups.archive import DUMP, PUBLIC_ROWS, read_archive
from operations.backups.backup import counts_of
from operations.backups.errors import BackupError
from operations.backups.federation_state import settle
from tenants import host_map, lifecycle
from tenants.models import Akimat
from tenants.onboarding import tenant_domain
from tenants.validation import check_slug, schema_name_for

logger = logging.getLogger(__name__)


@dataclass
class RestoreResult:
    slug: str
    schema: str
    created: bool
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)


def restore_akimat(
    path: Path,
    *,
    as_slug: str | None = None,
    replace: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> RestoreResult:
    connection.set_schema_to_public()
    with read_archive(path) as archive:
        manifest = archive.manifest
        say(f"archive verified: akimat {manifest['akimat']['slug']!r} as of {manifest['snapshot_at']}")
        newer = database.unknown_migrations(manifest["migrations"])
        if newer:
            raise BackupError(
                "the archive was made by a newer platform: this deployment does not have the migration(s) "
                f"{', '.join(newer[:5])}{' and more' if len(newer) > 5 else ''}. "
                "Upgrade this deployment first."
            )
        original_slug, original_schema = manifest["akimat"]["slug"], manifest["akimat"]["schema"]
        slug = as_slug or original_slug
        schema = schema_name_for(slug)
        _check_target(slug, schema, original_schema, replace=replace)
        rows = archive.json(PUBLIC_ROWS)

        aside = None
        if schema_exists(schema):
            aside = f"{schema[:40]}_replaced_{timezone.now():%Y%m%d%H%M%S}"
            database.rename_schema(schema, aside)
        existed = Akimat.objects.filter(slug=slug).exists()
        try:
            with tempfile.TemporaryDirectory(prefix="ikomek-restore-") as scratch:
                dump = Path(scratch) / DUMP
                archive.extract_to(DUMP, dump)
                database.restore_schema(dump)
            if schema != original_schema:
                database.rename_schema(original_schema, schema)
            say(f"schema {schema} loaded")
            with transaction.atomic():
                akimat, created = public_rows.upsert_akimat(rows, slug, schema)
                notes = public_rows.restore_domains(
                    akimat, rows, tenant_domain(slug), renamed=slug != original_slug
                )
                notes += public_rows.restore_region_records(rows, schema)
            call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
            old_prefix, new_prefix = manifest["files_prefix"], prefix_of(schema)
            if old_prefix != new_prefix:
                with schema_context(schema):
                    for attachment in Attachment.objects.all():
                        attachment.file.name = files.rename(attachment.file.name, old_prefix, new_prefix)
                        attachment.save(update_fields=["file"])
            counts = counts_of(schema)
            if counts != manifest["counts"]:
                raise BackupError(f"restored counts {counts} differ from the archive's {manifest['counts']}")
            restored_files = files.restore(archive, manifest["files"], old_prefix, new_prefix)
            say(f"{restored_files} attachment file(s) in storage")
        except BaseException:
            _undo(slug, {schema, original_schema}, aside, existed=existed)
            raise
    if aside is not None:
        database.drop_schema(aside)
    host_map.clear()
    connection.set_schema_to_public()
    settlement = settle(schema, manifest, original_schema=original_schema)
    notes += settlement.lines()
    notes += _provision(akimat)
    return RestoreResult(slug=slug, schema=schema, created=created, counts=counts, notes=notes)


def _check_target(slug: str, schema: str, original_schema: str, *, replace: bool) -> None:
    problems = check_slug(slug)
    if problems:
        raise BackupError("; ".join(problem.message for problem in problems))
    if not Akimat.objects.filter(schema_name=get_public_schema_name()).exists():
        raise BackupError(
            "this deployment has no region registered yet: run `manage.py seed_region --only <slug>` "
            "(the region and that akimat, empty), then restore with --replace"
        )
    existing = Akimat.objects.filter(slug=slug).first()
    if existing is not None and not replace:
        raise BackupError(
            f"akimat {slug!r} exists in this deployment: add --replace to overwrite it with the archive"
        )
    if existing is None and schema_exists(schema) and not replace:
        raise BackupError(f"schema {schema} exists without an akimat: add --replace to overwrite it")
    if schema != original_schema and schema_exists(original_schema):
        raise BackupError(
            f"restoring as {slug!r} needs the archive's schema name {original_schema} free here "
            "for the load; "
            "it is in use in this deployment"
        )


def _undo(slug: str, loaded: set[str], aside: str | None, *, existed: bool) -> None:
    """A failed restore leaves the deployment as it found it (its files aside: the old ones are kept)."""
    connection.set_schema_to_public()
    try:
        if not existed:
            akimat = Akimat.objects.filter(slug=slug).first()
            if akimat is not None:
                akimat.domains.all().delete()
                akimat.delete(force_drop=False)
        for schema in loaded:  # both checked free (or moved aside) before the load
            database.drop_schema(schema)
        if aside is not None:
            database.rename_schema(aside, schema_name_for(slug))
    except Exception:
        logger.exception("undoing a failed restore failed", extra={"akimat": slug, "aside": aside})
        raise


def _provision(akimat: Akimat) -> list[str]:
    """Its Keycloak group and clients (another deployment's Keycloak may never have had them)."""
    notes = []
    steps = lifecycle.restorers() + (lifecycle.deactivators() if not akimat.is_active else [])
    for name, step in steps:
        outcome = step(akimat)
        if outcome:
            notes.append(f"{name}: {outcome}")
    return notes
