"""Attachments: photos and PDFs recognised by content, limited in size and number, stored under the
tenant's own folder and never served on another akimat's host."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from appeals.models import Attachment
from testkit.files import PDF as REAL_PDF
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import intake

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def upload(client, number: int, name: str, content: bytes):
    return client.post(f"/appeals/{number}/attachments", {"file": SimpleUploadedFile(name, content)})


def test_a_photo_is_stored_under_the_tenant_and_served_back(petropavlovsk, operator_client, media):
    appeal = intake()
    response = upload(operator_client, appeal.number, "photo.png", JPEG)  # the name lies, the bytes do not
    assert response.status_code == 201, response.content
    assert response.json()["contentType"] == "image/jpeg"
    attachment = Attachment.objects.get(token=response.json()["token"])
    assert attachment.file.name.startswith("appeals/petropavlovsk/")
    assert (media / attachment.file.name).read_bytes() == JPEG
    assert appeal.events.filter(kind="attachment_added").exists()

    download = operator_client.get(response.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG
    assert download["Content-Type"] == "image/jpeg" and download["X-Content-Type-Options"] == "nosniff"


def test_a_document_is_taken_here_and_listed_by_its_real_kind(petropavlovsk, operator_client, media):
    """The API takes documents as well as photos: a PDF sent as notimage.png is stored as the PDF
    it is, under a name that says so, and so never shown among the photos as a picture."""
    appeal = intake()
    response = upload(operator_client, appeal.number, "notimage.png", REAL_PDF)
    assert response.status_code == 201 and response.json()["contentType"] == "application/pdf"
    upload(operator_client, appeal.number, "photo.png", JPEG)
    upload(operator_client, appeal.number, "act.PDF", REAL_PDF)
    upload(operator_client, appeal.number, "scan", REAL_PDF)
    assert sorted(Attachment.objects.filter(appeal=appeal).values_list("original_name", "content_type")) == [
        ("act.PDF", "application/pdf"),
        ("notimage.pdf", "application/pdf"),
        ("photo.jpg", "image/jpeg"),
        ("scan.pdf", "application/pdf"),
    ]


def test_another_akimat_cannot_read_it(petropavlovsk, operator_client, media, tenants):
    token = upload(operator_client, intake().number, "act.pdf", PDF).json()["token"]
    with tenant_context(tenants["esil"]):
        esil_operator = logged_in(user_with_roles("op-esil", "operator"), host="esil.localhost")
    assert esil_operator.get(f"/appeals/attachments/{token}").status_code == 404


@pytest.mark.parametrize(
    ("content", "code", "status"),
    [(b"MZ\x90\x00 executable", "unsupported_type", 400), (b"", "empty", 400)],
)
def test_other_files_are_refused(petropavlovsk, operator_client, media, content, code, status):
    response = upload(operator_client, intake().number, "x.jpg", content)
    assert response.status_code == status and response.json()["errors"][0]["code"] == code
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_size_and_count_are_limited(petropavlovsk, operator_client, media, settings):
    appeal = intake()
    settings.APPEALS_ATTACHMENT_MAX_BYTES = 100
    assert (
        upload(operator_client, appeal.number, "big.pdf", PDF + b"x" * 100).json()["errors"][0]["code"]
        == "too_large"
    )
    settings.APPEALS_ATTACHMENT_MAX_BYTES = 10_000
    settings.APPEALS_ATTACHMENTS_PER_APPEAL = 2
    assert upload(operator_client, appeal.number, "1.pdf", PDF).status_code == 201
    assert upload(operator_client, appeal.number, "2.pdf", PDF).status_code == 201
    third = upload(operator_client, appeal.number, "3.pdf", PDF)
    assert third.status_code == 400 and third.json()["errors"][0]["code"] == "too_many"
    assert len(list(media.rglob("*.pdf"))) == 2  # the refused file did not stay on disk


def test_who_may_upload_and_read(petropavlovsk, media):
    appeal = intake()
    analyst = logged_in(user_with_roles("an-files", "analyst"))
    assert upload(analyst, appeal.number, "a.pdf", PDF).status_code == 403
    assert upload(logged_in(user_with_roles("no-roles")), appeal.number, "a.pdf", PDF).status_code == 403
    assert upload(Client(HTTP_HOST="petropavlovsk.localhost"), appeal.number, "a.pdf", PDF).status_code == 403
    missing = upload(logged_in(user_with_roles("op2", "operator")), 99999999, "a.pdf", PDF)
    assert missing.status_code == 404
