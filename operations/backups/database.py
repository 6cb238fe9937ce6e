"""PostgreSQL's own tools for one schema (pg_dump, pg_restore) and the schema's migration state."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from operations.backups.errors import BackupError


def quoted(identifier: str) -> str:
    """A schema's name quoted for SQL text. Text, not psycopg's Composed: Django's cursor wrappers
    (graphene-django's query tracking among them) expect a string."""
    return connection.ops.quote_name(identifier)


def _tool(name: str) -> str:
    directory = getattr(settings, "PG_BIN_DIR", "")
    found = str(Path(directory) / name) if directory else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(f"{name} not found: install the PostgreSQL client tools or set PG_BIN_DIR")
    return found


def _env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGPASSWORD": str(db.get("PASSWORD") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    return {name: value for name, value in env.items() if value != ""}


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-2000:] or f'exit status {done.returncode}'}")


def dump_schema(schema: str, snapshot: str, target: Path) -> None:
    """The schema as of an exported snapshot (the caller's transaction must stay open meanwhile)."""
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            f"--schema={schema}",
            f"--snapshot={snapshot}",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
        ],
        f"pg_dump of schema {schema}",
    )


def restore_schema(dump: Path) -> None:
    """Load the dump in one transaction: a failure leaves nothing half-loaded."""
    _run(
        [
            _tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(dump),
        ],
        "pg_restore",
    )


def rename_schema(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {quoted(old)} RENAME TO {quoted(new)}")


def drop_schema(schema: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quoted(schema)} CASCADE")


def applied_migrations(schema: str) -> dict[str, list[str]]:
    """The migrations applied in the schema, per app (read in the caller's transaction)."""
    with connection.cursor() as cursor:
        table = f"{quoted(schema)}.django_migrations"
        cursor.execute(f"SELECT app, name FROM {table} ORDER BY app, name")  # noqa: S608 (quoted)
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Migrations of the archive this platform's code does not have: the archive is newer than it."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}" for app, names in applied.items() for name in names if (app, name) not in known
    )
