"""Per-akimat backup and restore (decision 80): an akimat restored into a fresh deployment has every appeal,
event and attachment, and the region's figures for it are the ones it had; restored over itself it gets
back what was deleted and the region forgets what the restore threw away; an archive of a newer platform
or a damaged one is refused with a reason, and changes nothing."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import tenant_context

from appeals.attachments.actions import add_attachment
from appeals.models import Appeal
from operations.backups.archive import DUMP
from testkit.paths import ROOT
from testkit.processes import env_for_test_database
from tests.operations.probe import holdings
from tests.regional.helpers import deliver_pending
from tests.regional.test_read_model import OPERATOR, live, new_appeal

SLUG = "backup-west"
SCHEMA = "backup_west"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 3
PDF = b"%PDF-1.7\n" + b"restore me" * 50


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture(scope="module")
def akimat(scratch_akimats, media, django_db_blocker) -> Iterator[dict]:
    """A committed akimat: appeals in every state, their events and attachments; the region caught up."""
    with django_db_blocker.unblock():
        with tenant_context(scratch_akimats[SLUG]):
            live(SLUG, random.Random(17), 24, transfer_to=None)
            numbers = list(Appeal.objects.order_by("number").values_list("number", flat=True))
            for number, (name, content) in zip(
                numbers[::5], ([("фото.jpg", JPEG), ("акт.pdf", PDF)] * 3)[:5], strict=True
            ):
                add_attachment(OPERATOR, number, SimpleUploadedFile(name, content))
        deliver_pending()
        yield scratch_akimats
        connection.set_schema_to_public()


@pytest.fixture
def committed(akimat, django_db_blocker) -> Iterator[dict]:
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield akimat
        connection.set_schema_to_public()


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def fresh(akimat, tmp_path_factory, django_db_blocker) -> Iterator[dict[str, str]]:
    """Another deployment: a database of its own on the same server, migrated from nothing, its region
    registered, its own media folder and Redis databases. Yields the environment of its processes."""
    env = env_for_test_database()
    name = connection.settings_dict["NAME"] + "_fresh"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    env["MEDIA_ROOT"] = str(tmp_path_factory.mktemp("fresh-media"))
    redis = env.get("REDIS_URL", "redis://127.0.0.1:63790/0").rsplit("/", 1)[0]
    env["REDIS_URL"], env["CACHE_REDIS_URL"] = f"{redis}/5", f"{redis}/6"
    for step in (
        ("migrate_platform",),
        (
            "shell",
            "-c",
            "from tenants.onboarding import ensure_region; from tenants.region_data import "
            "region_spec; ensure_region(region_spec())",
        ),
    ):
        done = manage(env, *step)
        assert done.returncode == 0, done.stderr[-3000:]
    yield env
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def back_up(tmp_path: Path) -> Path:
    archive = tmp_path / "west.ikbackup"
    call_command("backup_akimat", SLUG, out=str(archive), stdout=open("/dev/null", "w"))  # noqa: SIM115
    return archive


@pytest.mark.slow
def test_an_akimat_restored_into_a_fresh_deployment_has_everything_and_the_same_regional_figures(
    committed, fresh, tmp_path
):
    before = holdings(SCHEMA)
    assert len(before["appeals"]) == 24 and len(before["files"]) == 5 and before["figures"]["received"] > 0
    assert len(before["facts"]) == 24
    archive = back_up(tmp_path)

    done = manage(fresh, "restore_akimat", str(archive))
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{SLUG}: restored (24 appeals" in done.stdout
    probe = manage(fresh, "shell", "-c", f"from tests.operations.probe import main; main({SCHEMA!r})")
    assert probe.returncode == 0, probe.stderr[-3000:]
    after = json.loads(probe.stdout.strip().splitlines()[-1])

    assert after["appeals"] == before["appeals"]
    assert after["events"] == before["events"]
    # Every file is there, its bytes those recorded at upload.
    assert after["files"] == before["files"]
    assert all(recorded == content for *_, recorded, content in after["files"])
    assert after["facts"] == before["facts"]
    assert after["figures"] == before["figures"]

    # The fresh deployment refuses to restore over it without --replace, and says how.
    again = manage(fresh, "restore_akimat", str(archive))
    assert again.returncode != 0 and "add --replace" in again.stderr and "Traceback" not in again.stderr


def test_a_restore_over_the_akimat_brings_back_what_was_deleted_and_the_region_forgets_the_rest(
    committed, media, tmp_path
):
    before = holdings(SCHEMA)
    archive = back_up(tmp_path)
    # After the backup: a new appeal (a state the restore will throw away), reaching the region...
    with tenant_context(committed[SLUG]):
        extra = new_appeal(SLUG, random.Random(3))
    deliver_pending()
    assert [f[0] for f in holdings(SCHEMA)["facts"]].count(str(extra.number)) == 1
    # ...then every appeal deleted, with its files.
    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{SCHEMA}".appeals_appeal CASCADE')
    for path in (media / "appeals" / SCHEMA).rglob("*"):
        if path.is_file():
            path.unlink()

    call_command("restore_akimat", str(archive), replace=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    after = holdings(SCHEMA)
    assert after == before
    assert str(extra.number) not in [fact[0] for fact in after["facts"]]
    # New work after the restore reaches the region as before.
    with tenant_context(committed[SLUG]):
        newer = new_appeal(SLUG, random.Random(4))
    deliver_pending()
    assert str(newer.number) in [fact[0] for fact in holdings(SCHEMA)["facts"]]


def test_an_archive_of_a_newer_platform_is_refused(committed, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{SCHEMA}".django_migrations (app, name, applied) '  # noqa: S608 (a constant)
            "VALUES ('appeals', '9999_from_the_future', now())"
        )
    try:
        archive = back_up(tmp_path)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f'DELETE FROM "{SCHEMA}".django_migrations WHERE name = %s',  # noqa: S608 (a constant)
                ["9999_from_the_future"],
            )
    before = holdings(SCHEMA)
    with pytest.raises(CommandError, match=r"newer platform.*appeals\.9999_from_the_future"):
        call_command("restore_akimat", str(archive), replace=True)
    assert holdings(SCHEMA) == before


def test_a_damaged_archive_is_refused(committed, tmp_path):
    archive = back_up(tmp_path)
    with tarfile.open(archive) as tar:
        member = tar.getmember(DUMP)
    with archive.open("r+b") as stream:
        stream.seek(member.offset_data + member.size // 2)
        byte = stream.read(1)
        stream.seek(-1, 1)
        stream.write(bytes([byte[0] ^ 0xFF]))
    before = holdings(SCHEMA)
    with pytest.raises(CommandError, match=rf"damaged: checksum mismatch in {DUMP}"):
        call_command("restore_akimat", str(archive), replace=True)
    assert holdings(SCHEMA) == before
    garbage = tmp_path / "garbage.ikbackup"
    garbage.write_bytes(b"not a tar at all" * 100)
    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore_akimat", str(garbage), replace=True)
