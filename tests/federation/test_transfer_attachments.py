"""A transferred appeal takes its photos and PDFs along: copied into the receiving akimat's own folder
with the bytes the sender recorded; a file that is gone or was altered is named in the history,
and a message pointing outside the sender's own folder fetches nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context, tenant_context

from appeals import actions
from appeals.attachments.actions import add_attachment
from appeals.models import Appeal, Attachment, EventKind
from federation.messaging.models import Message
from federation.transfers.files import is_senders
from federation.transfers.kinds import TRANSFER_KIND
from tests.appeals.conftest import OPERATOR
from tests.federation.test_transfers import IN_KYZYLZHAR, report
from tests.regional.helpers import deliver_pending, forget_committed_appeals

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x01" * 300
PDF = b"%PDF-1.7\n" + b"2" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x03" * 100


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def cross_tenant(committed, media) -> Iterator[dict]:
    yield committed
    forget_committed_appeals("petropavlovsk", "kyzylzhar")


def attach(number: int, name: str, content: bytes) -> Attachment:
    return add_attachment(OPERATOR, number, SimpleUploadedFile(name, content))


def test_the_files_travel_with_the_appeal_into_the_receivers_folder(cross_tenant, media):
    with tenant_context(cross_tenant["petropavlovsk"]):
        sent = report(IN_KYZYLZHAR).appeal
        photo = attach(sent.number, "прорыв.jpg", JPEG)
        attach(sent.number, "акт.pdf", PDF)
        gone = attach(sent.number, "gone.png", PNG)
        altered = attach(sent.number, "altered.jpg", JPEG + b"x")
        actions.transfer_appeal(OPERATOR, sent.number, akimat="kyzylzhar", reason="Кызылжарский район")
        # Between the transfer and its delivery one file disappears and one is overwritten.
        (media / gone.file.name).unlink()
        (media / altered.file.name).write_bytes(JPEG + b"y")
    deliver_pending()

    with schema_context("kyzylzhar"):
        received = Appeal.objects.get(transferred_from="petropavlovsk", origin_number=sent.number)
        copies = list(received.attachments.order_by("id"))
        assert [(a.original_name, a.content_type, a.size) for a in copies] == [
            ("прорыв.jpg", "image/jpeg", len(JPEG)),
            ("акт.pdf", "application/pdf", len(PDF)),
        ]
        for copy, content in zip(copies, (JPEG, PDF), strict=True):
            assert copy.file.name.startswith(f"appeals/kyzylzhar/{received.pk}/")
            assert (media / copy.file.name).read_bytes() == content
            assert copy.sha256 == hashlib.sha256(content).hexdigest()
        assert copies[0].uploaded_by == photo.uploaded_by
        added = received.events.filter(kind=EventKind.ATTACHMENT_ADDED)
        assert added.count() == 2 and all(e.data["transferred"] for e in added)
        event = received.events.get(kind=EventKind.TRANSFER_RECEIVED)
        assert event.data["attachments"] == 4
        assert sorted(event.data["attachments_missing"]) == ["altered.jpg", "gone.png"]
    # The sender keeps its own files.
    assert (media / photo.file.name).read_bytes() == JPEG


def test_a_file_outside_the_senders_folder_is_not_fetched(cross_tenant, media):
    # A file of a third akimat, named in a message from Petropavlovsk, stays where it is.
    secret = media / "appeals" / "esil" / "1" / "secret.jpg"
    secret.parent.mkdir(parents=True)
    secret.write_bytes(JPEG)
    with tenant_context(cross_tenant["petropavlovsk"]):
        sent = report(IN_KYZYLZHAR).appeal
        actions.transfer_appeal(OPERATOR, sent.number, akimat="kyzylzhar", reason="Кызылжарский район")
        message = Message.objects.get(kind=TRANSFER_KIND, payload__origin_number=sent.number)
        forged = {
            "name": "secret.jpg",
            "size": len(JPEG),
            "sha256": hashlib.sha256(JPEG).hexdigest(),
            "uploaded_by": "x",
        }
        message.payload["attachments"] = [
            {**forged, "file": "appeals/esil/1/secret.jpg"},
            {**forged, "name": "dotdot.jpg", "file": "appeals/petropavlovsk/../esil/1/secret.jpg"},
        ]
        message.save(update_fields=["payload"])
    deliver_pending()
    with schema_context("kyzylzhar"):
        received = Appeal.objects.get(transferred_from="petropavlovsk", origin_number=sent.number)
        assert not received.attachments.exists()
        event = received.events.get(kind=EventKind.TRANSFER_RECEIVED)
        assert event.data["attachments_missing"] == ["secret.jpg", "dotdot.jpg"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("appeals/petropavlovsk/7/a.jpg", True),
        ("appeals/petropavlovskx/7/a.jpg", False),
        ("appeals/petropavlovsk/../esil/a.jpg", False),
        ("/appeals/petropavlovsk/7/a.jpg", False),
        ("appeals/esil/7/a.jpg", False),
    ],
)
def test_only_plain_paths_inside_the_senders_folder_are_its_own(name, expected):
    assert is_senders(name, "petropavlovsk") is expected
