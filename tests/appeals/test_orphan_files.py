"""Files a rolled-back transaction left without their row are deleted once old enough, in the
akimat's own folder only; files with rows, and young files, stay."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals.attachments.actions import add_attachment
from appeals.attachments.orphans import sweep_orphan_files
from appeals.models import Attachment
from ikomek.celery import app as celery_app
from tests.appeals.conftest import OPERATOR, intake

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def aged(media: Path, name: str, hours: float) -> str:
    moment = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(media / name, (moment, moment))
    return name


def test_a_rolled_back_upload_leaves_a_file_the_sweep_deletes_a_day_later(petropavlovsk, media):
    number = intake().number
    kept = add_attachment(OPERATOR, number, SimpleUploadedFile("kept.jpg", JPEG))
    # A transaction that stored a file and then failed: the row is gone, the file stays.
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = add_attachment(OPERATOR, number, SimpleUploadedFile("lost.jpg", JPEG))
        raise RuntimeError("after the file was written")
    assert not Attachment.objects.filter(token=lost.token).exists()
    assert (media / lost.file.name).exists()
    young = default_storage.save(f"appeals/petropavlovsk/{kept.appeal_id}/young.jpg", ContentFile(JPEG))
    aged(media, kept.file.name, hours=48)  # a row names it: kept however old

    # Within the grace a file may belong to a transaction still open: nothing goes.
    assert sweep_orphan_files() == []
    aged(media, lost.file.name, hours=25)
    assert sweep_orphan_files() == [lost.file.name]
    assert not (media / lost.file.name).exists()
    assert (media / kept.file.name).read_bytes() == JPEG and (media / young).exists()
    # Later, the young one too (the sweep's "now" a day on).
    later = timezone.now() + datetime.timedelta(hours=25)
    assert sweep_orphan_files(now=later) == [young]
    assert (media / kept.file.name).exists()


def test_the_sweep_stays_in_its_own_akimats_folder(tenants, media):
    with tenant_context(tenants["esil"]):
        esil_orphan = default_storage.save("appeals/esil/1/stray.jpg", ContentFile(JPEG))
    aged(media, esil_orphan, hours=72)
    with tenant_context(tenants["petropavlovsk"]):
        assert sweep_orphan_files() == []  # Petropavlovsk has no folder yet
    assert (media / esil_orphan).exists()
    with tenant_context(tenants["esil"]):
        assert sweep_orphan_files() == [esil_orphan]


def test_beat_sweeps_every_akimat_daily(tenants, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["appeals-orphan-files"]
    assert (entry["task"], entry["args"]) == (
        "ikomek.tasks.fan_out_to_tenants",
        ("appeals.tasks.sweep_orphan_files",),
    )
    assert entry["schedule"] == 24 * 3600
    celery_app.loader.import_default_modules()
    assert "appeals.tasks.sweep_orphan_files" in celery_app.tasks
