"""Photos of a refused portal form are kept for the form's key (decision 109): kept when the form is
refused for anything but its photos, listed, dropped one by one, stored with the appeal when the
form is sent again and removed once it is committed, never twice; bounded per key and by a budget
per network address in Redis (spent or away: not kept); removed a day after by an hourly job; and
never reached through another key or read by anyone."""

from __future__ import annotations

import datetime
import os
import random
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals.models import KeptPhoto
from appeals.portal.kept_expiry import expire_kept_photos
from appeals.portal.submission import CitizenAppeal, FormRefused, new_form_key, submit
from appeals.tracking.limits import Requester
from ikomek.celery import app as celery_app
from testkit.processes import private_redis
from testkit.queries import exact_queries
from tests.appeals.conftest import CENTRE

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 120
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 90


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def photo(name: str = "dvor.png", content: bytes | None = None) -> SimpleUploadedFile:
    """A photo whose bytes are its own (photos are told apart by content), PNG's length."""
    return SimpleUploadedFile(name, png(name) if content is None else content, content_type="image/png")


def png(name: str) -> bytes:
    return PNG[:-24] + name.encode().ljust(24, b"\0")[:24]


def somebody() -> Requester:
    """An address of the test's own: the budget's counters live in Redis, beyond the test's transaction."""
    return Requester(f"10.{random.randrange(250)}.{random.randrange(250)}.{random.randrange(1, 250)}")


def a_form(form_key: str | None = None, **changes: object) -> CitizenAppeal:
    values = {
        "description": "Во дворе прорвало трубу",
        "phone": f"+7705{random.randrange(10**7):07d}",
        "form_key": form_key or new_form_key(),
        "address": "ул. Абая, 10",
        "category_code": "heating",
        "longitude": CENTRE[0],
        "latitude": CENTRE[1],
        "language": "ru",
    }
    return CitizenAppeal(**(values | changes))


def refused(form: CitizenAppeal, requester: Requester) -> FormRefused:
    with pytest.raises(FormRefused) as caught:
        submit(form, requester)
    return caught.value


def kept_of(form_key: str) -> list[tuple[str, int]]:
    return [(p.original_name, p.size) for p in KeptPhoto.objects.filter(form_key=form_key)]


def test_a_form_refused_for_its_phone_keeps_its_photos_and_the_next_sending_stores_them(
    petropavlovsk, media, django_capture_on_commit_callbacks
):
    citizen, key = somebody(), new_form_key()
    first = refused(a_form(key, phone="12345", photos=[photo("1.png"), photo("2.jpg", JPEG)]), citizen)
    assert [p.code for p in first.problems] == ["invalid_phone"]
    assert [(p.original_name, p.size) for p in first.photos.kept] == [
        ("1.png", len(PNG)),
        ("2.jpg", len(JPEG)),
    ]
    assert not first.photos.lost and not first.photos.renewed
    assert kept_of(key) == [("1.png", len(PNG)), ("2.jpg", len(JPEG))]
    files = [p.file.name for p in first.photos.kept]
    assert all(name.startswith("portal-kept/petropavlovsk/") for name in files)  # not an attachment's folder
    assert [(media / name).read_bytes() for name in files] == [png("1.png"), JPEG]

    second = a_form(key, photos=[photo("3.png")], kept_photos_listed=True)
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(second, citizen)
    assert result.created
    stored = list(result.appeal.attachments.order_by("id"))
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("1.png", "image/png", len(PNG)),
        ("2.jpg", "image/jpeg", len(JPEG)),
        ("3.png", "image/png", len(PNG)),
    ]
    assert [(media / a.file.name).read_bytes() for a in stored] == [png("1.png"), JPEG, png("3.png")]
    assert {e.actor_role for e in result.appeal.events.filter(kind="attachment_added")} == {"citizen"}
    assert kept_of(key) == [] and not any((media / name).exists() for name in files)  # removed once committed

    again = submit(replace(second, photos=[photo("3.png")]), citizen)  # its answer lost: sent again
    assert not again.created and again.appeal.number == result.appeal.number
    assert result.appeal.attachments.count() == 3  # nothing twice


def test_a_refused_form_sent_again_keeps_each_photo_once(
    petropavlovsk, media, django_capture_on_commit_callbacks
):
    """A reload of the refused page, or a double tap, posts the same files again (walk of 7 Dec)."""
    citizen, key = somebody(), new_form_key()
    sent = a_form(key, phone="000", photos=[photo("red.png"), photo("blue.png")])
    refused(sent, citizen)
    again = refused(replace(sent, photos=[photo("red.png"), photo("blue.png")]), citizen)
    assert [p.original_name for p in again.photos.kept] == ["red.png", "blue.png"] and not again.photos.lost
    assert kept_of(key) == [("red.png", len(PNG)), ("blue.png", len(PNG))]
    # The kept ones chosen again with the fixed form, and the same photo chosen twice: once each.
    fixed = a_form(
        key, kept_photos_listed=True, photos=[photo("red.png"), photo("green.png"), photo("green.png")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(fixed, citizen)
    assert sorted(a.original_name for a in result.appeal.attachments.all()) == [
        "blue.png",
        "green.png",
        "red.png",
    ]


def test_a_ticked_photo_is_dropped_and_the_rest_go_with_the_form(
    petropavlovsk, media, django_capture_on_commit_callbacks
):
    citizen, key = somebody(), new_form_key()
    kept = refused(a_form(key, description="", photos=[photo("a.png"), photo("b.png")]), citizen).photos.kept
    dropped = kept[0]
    with django_capture_on_commit_callbacks(execute=True):
        second = refused(
            a_form(key, phone="", kept_photos_listed=True, dropped_photos=frozenset({str(dropped.token)})),
            citizen,
        )
    assert [p.original_name for p in second.photos.kept] == ["b.png"] and not second.photos.lost
    assert kept_of(key) == [("b.png", len(PNG))] and not (media / dropped.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = submit(a_form(key, kept_photos_listed=True), citizen)
    assert [a.original_name for a in result.appeal.attachments.all()] == ["b.png"]


def test_kept_and_new_photos_are_at_most_three_in_all(petropavlovsk, media):
    citizen, key = somebody(), new_form_key()
    refused(a_form(key, phone="", photos=[photo("a.png"), photo("b.png")]), citizen)
    too_many = refused(a_form(key, kept_photos_listed=True, photos=[photo("c.png"), photo("d.png")]), citizen)
    assert [(p.field, p.code) for p in too_many.problems] == [("photo", "too_many")]
    assert "3" in str(too_many.problems[0].message)
    assert too_many.photos.lost and [p.original_name for p in too_many.photos.kept] == ["a.png", "b.png"]
    assert len(kept_of(key)) == 2  # the new ones are not kept: the form was refused for them
    # A client that does not say what it holds cannot pass three for the key either.
    over = refused(a_form(key, phone="", photos=[photo("c.png"), photo("d.png")]), citizen)
    assert over.photos.lost and len(kept_of(key)) == 2


def test_a_photo_refused_by_the_checks_is_never_kept_the_good_one_is(petropavlovsk, media):
    citizen, key = somebody(), new_form_key()
    bad = refused(a_form(key, phone="", photos=[photo("ok.png"), photo("note.txt", b"plain text")]), citizen)
    # Said with the form's other problem (no phone), not one refusal after another.
    assert sorted((p.field, p.code) for p in bad.problems) == [
        ("applicantPhone", "required"),
        ("photo", "not_a_photo"),
    ]
    assert not bad.photos.lost and [p.original_name for p in bad.photos.kept] == ["ok.png"]
    assert [name for name, _size in kept_of(key)] == ["ok.png"]


def test_a_renewed_form_drops_what_its_key_kept_and_says_so(
    petropavlovsk, media, django_capture_on_commit_callbacks
):
    citizen, key = somebody(), new_form_key()
    submit(a_form(key, description="Первый текст"), citizen)  # the form made its appeal
    # The back button, then an edit: refused by its phone first (kept), then as a changed re-send.
    kept = refused(a_form(key, phone="", description="Другой текст", photos=[photo()]), citizen).photos.kept
    assert len(kept) == 1
    with django_capture_on_commit_callbacks(execute=True):
        conflict = refused(a_form(key, description="Другой текст", kept_photos_listed=True), citizen)
    assert [p.code for p in conflict.problems] == ["idempotency_conflict"]
    assert conflict.photos.renewed and conflict.photos.lost and conflict.photos.kept == []
    assert kept_of(key) == [] and not (media / kept[0].file.name).exists()

    broken = refused(a_form("web-not-a-key", phone="", photos=[photo()]), citizen)
    assert (
        broken.photos.renewed
        and broken.photos.lost
        and not KeptPhoto.objects.filter(form_key="web-not-a-key")
    )


def test_the_budget_of_one_address_bounds_what_is_kept(petropavlovsk, media, settings):
    settings.APPEALS_PORTAL_KEPT_PHOTOS_PER_ADDRESS = 3
    citizen = somebody()
    assert len(refused(a_form(phone="", photos=[photo("a.png"), photo("b.png")]), citizen).photos.kept) == 2
    spent = refused(a_form(phone="", photos=[photo("a.png"), photo("b.png")]), citizen)  # 4 > 3: none of them
    assert spent.photos.lost and spent.photos.kept == []
    assert len(refused(a_form(phone="", photos=[photo()]), citizen).photos.kept) == 1  # the third
    assert refused(a_form(phone="", photos=[photo()]), citizen).photos.lost
    assert len(refused(a_form(phone="", photos=[photo()]), somebody()).photos.kept) == 1  # another address


def test_photos_a_sending_took_give_their_units_back(
    petropavlovsk, media, settings, django_capture_on_commit_callbacks
):
    """The budget bounds what refusals make us hold: a sent form's photos are the appeal's now, so
    the next citizen behind the same address (a carrier's shared one) can have theirs kept."""
    settings.APPEALS_PORTAL_KEPT_PHOTOS_PER_ADDRESS = 3
    citizen, key = somebody(), new_form_key()
    first = refused(a_form(key, phone="", photos=[photo("a.png"), photo("b.png")]), citizen)
    assert len(first.photos.kept) == 2
    assert refused(a_form(phone="", photos=[photo("c.png"), photo("d.png")]), citizen).photos.lost  # 4 > 3
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(a_form(key, kept_photos_listed=True), citizen).appeal.attachments.count() == 2
    assert len(refused(a_form(phone="", photos=[photo("c.png"), photo("d.png")]), citizen).photos.kept) == 2


@pytest.mark.slow
def test_with_redis_down_nothing_is_kept_and_the_page_says_to_choose_again(petropavlovsk, media, tmp_path):
    with private_redis(tmp_path) as (url, process), override_settings(APPEALS_TRACKING_REDIS_URL=url):
        process.kill()
        process.wait(timeout=10)
        key = new_form_key()
        down = refused(a_form(key, phone="", photos=[photo()]), somebody())
    assert down.photos.lost and down.photos.kept == [] and kept_of(key) == []


def test_a_kept_photo_is_reached_only_through_its_own_key(
    petropavlovsk, media, django_capture_on_commit_callbacks
):
    citizen = somebody()
    mine, theirs = new_form_key(), new_form_key()
    kept = refused(a_form(mine, phone="", photos=[photo("mine.png")]), citizen).photos.kept[0]
    # Another form names the kept photo's token to drop it, and says it holds kept photos.
    other = refused(
        a_form(theirs, phone="", kept_photos_listed=True, dropped_photos=frozenset({str(kept.token)})),
        citizen,
    )
    assert other.photos.kept == [] and kept_of(mine) == [("mine.png", len(PNG))]
    with django_capture_on_commit_callbacks(execute=True):
        sent = submit(a_form(theirs, kept_photos_listed=True), citizen)
    assert sent.created and not sent.appeal.attachments.exists() and kept_of(mine) == [("mine.png", len(PNG))]


def test_a_kept_photo_is_never_served_as_an_attachment(petropavlovsk, media, operator_client):
    kept = refused(a_form(phone="", photos=[photo()]), somebody()).photos.kept[0]
    assert operator_client.get(f"/appeals/attachments/{kept.token}").status_code == 404


def aged(media: Path, name: str, hours: float) -> None:
    moment = (timezone.now() - datetime.timedelta(hours=hours)).timestamp()
    os.utime(media / name, (moment, moment))


def test_kept_photos_are_removed_a_day_after_in_their_own_akimat_only(tenants, media):
    with tenant_context(tenants["petropavlovsk"]):
        old = refused(a_form(phone="", photos=[photo("old.png")]), somebody()).photos.kept[0]
        young = refused(a_form(phone="", photos=[photo("young.png")]), somebody()).photos.kept[0]
        KeptPhoto.objects.filter(pk=old.pk).update(kept_at=timezone.now() - datetime.timedelta(hours=25))
        aged(media, old.file.name, hours=25)
        stray = default_storage.save(f"portal-kept/petropavlovsk/{uuid.uuid4()}.png", ContentFile(PNG))
        aged(media, stray, hours=30)  # a process killed between the file and its row
    with tenant_context(tenants["esil"]):
        esil = default_storage.save(f"portal-kept/esil/{uuid.uuid4()}.png", ContentFile(PNG))
        aged(media, esil, hours=30)
    with tenant_context(tenants["petropavlovsk"]):
        KeptPhoto.objects.exists()  # the schema's search path, set once
        with exact_queries(4):  # the old rows, their removal (read, then deleted), the names still kept
            removed = expire_kept_photos()
        assert sorted(removed) == sorted([old.file.name, stray])
        assert list(KeptPhoto.objects.values_list("pk", flat=True)) == [young.pk]
        assert (media / young.file.name).exists() and not (media / old.file.name).exists()
        assert (media / esil).exists()
        later = timezone.now() + datetime.timedelta(hours=25)
        assert expire_kept_photos(now=later) == [young.file.name] and not KeptPhoto.objects.exists()


def test_beat_removes_kept_photos_hourly_in_every_akimat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["appeals-kept-photos"]
    assert (entry["task"], entry["args"], entry["schedule"]) == (
        "ikomek.tasks.fan_out_to_tenants",
        ("appeals.tasks.expire_kept_photos",),
        3600,
    )
    celery_app.loader.import_default_modules()
    assert "appeals.tasks.expire_kept_photos" in celery_app.tasks


def test_a_sending_without_kept_photos_asks_nothing_of_them(petropavlovsk, media):
    submit(a_form(), somebody())  # the catalogue once a process
    # The appeal with its event, the region's message, the repeat candidates, the savepoint's two.
    with exact_queries(5):
        submit(a_form(), somebody())


def test_a_sending_with_kept_photos_costs_their_read_and_removal(petropavlovsk, media):
    citizen, key = somebody(), new_form_key()
    submit(a_form(), somebody())  # the catalogue and the akimats once a process
    refused(a_form(key, phone="", photos=[photo("a.png"), photo("b.png")]), citizen)
    # The kept rows; a savepoint's two around the appeal; intake's five as without photos; each
    # photo a row and its event; the kept rows' removal (Django reads what it deletes: two).
    with exact_queries(1 + 2 + 5 + 2 * 2 + 2) as captured:
        result = submit(a_form(key, kept_photos_listed=True), citizen)
    assert result.appeal.attachments.count() == 2, captured
