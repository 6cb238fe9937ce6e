"""A file sent again with the same client key (its first answer lost on a weak connection) is
stored once: the endpoint answers 200 with the first file, also when the appeal is full since."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from appeals.models import Attachment
from tests.appeals.conftest import intake

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def send(client, number: int, key: str = "", name: str = "photo.jpg"):
    data = {"file": SimpleUploadedFile(name, JPEG)} | ({"clientKey": key} if key else {})
    return client.post(f"/appeals/{number}/attachments", data)


def test_a_resend_with_the_same_key_returns_the_first_file(petropavlovsk, operator_client):
    appeal = intake()
    first = send(operator_client, appeal.number, "phone-1")
    again = send(operator_client, appeal.number, "phone-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["token"] == again.json()["token"]
    assert Attachment.objects.filter(appeal=appeal).count() == 1
    assert appeal.events.filter(kind="attachment_added").count() == 1


def test_without_a_key_every_send_is_a_new_file(petropavlovsk, operator_client):
    appeal = intake()
    assert send(operator_client, appeal.number).status_code == 201
    assert send(operator_client, appeal.number).status_code == 201
    assert Attachment.objects.filter(appeal=appeal).count() == 2


def test_a_resend_succeeds_when_the_appeal_has_filled_up_since(petropavlovsk, operator_client, settings):
    settings.APPEALS_ATTACHMENTS_PER_APPEAL = 2
    appeal = intake()
    assert send(operator_client, appeal.number, "a").status_code == 201
    assert send(operator_client, appeal.number, "b").status_code == 201
    assert send(operator_client, appeal.number, "a").status_code == 200
    assert send(operator_client, appeal.number, "c").json()["errors"][0]["code"] == "too_many"


def test_the_same_key_on_another_appeal_is_another_file(petropavlovsk, operator_client):
    one, two = intake(), intake(phone="+77051234568")
    assert send(operator_client, one.number, "k").status_code == 201
    assert send(operator_client, two.number, "k").status_code == 201


def test_a_key_too_long_is_refused(petropavlovsk, operator_client):
    answer = send(operator_client, intake().number, "k" * 101)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "clientKey"


def test_the_database_holds_one_file_per_key_and_appeal(petropavlovsk, operator_client):
    appeal = intake()
    send(operator_client, appeal.number, "k")
    stored = Attachment.objects.get(appeal=appeal)
    stored.pk, stored.token = None, "00000000-0000-0000-0000-000000000001"
    with pytest.raises(IntegrityError), transaction.atomic():
        stored.save()
