"""The executor's pages server-side (Django's client, real database): the organisation's list,
start work, done or not done with a comment and photos, the photo endpoint's resends, refusals,
field errors in the screen's language, and what each page costs in SQL queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.models import Appeal, Attachment, Organisation
from testkit.files import PDF
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import HOUSING, OPERATOR, appeal_in

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200


@pytest.fixture
def inside(tenants, settings, tmp_path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path)
    with tenant_context(tenants["petropavlovsk"]):
        yield


def executor(language: str = "ru", organisation: str = HOUSING, name: str = ""):
    user = user_with_roles(name or f"ex-{language}-{organisation}", "executor", organisation=organisation)
    client = logged_in(user)
    client.cookies["django_language"] = language
    return client


def elsewhere() -> Appeal:
    """An appeal assigned to another organisation than the executors' own."""
    Organisation.objects.create(code="other-utility", kind="utility", name_kk="Басқа", name_ru="Другая")
    appeal = appeal_in("registered")
    actions.assign_appeal(OPERATOR, appeal.number, organisation_code="other-utility")
    return appeal


def photo(name: str = "photo.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_list_holds_the_organisations_waiting_appeals_only(inside):
    waiting, doing, done = appeal_in("assigned"), appeal_in("in_progress"), appeal_in("done")
    other = elsewhere()
    page = executor("kk").get("/console/executor/")
    text = page.content.decode()
    assert page.status_code == 200
    for shown in (waiting, doing):
        assert f'href="/console/executor/appeals/{shown.number}/"' in text
    for hidden in (done, other):
        assert f"/console/executor/appeals/{hidden.number}/" not in text
    assert "Менің тапсырмаларым" in text and "Мои задания" not in text  # Kazakh only
    assert "Орындалуда" in text and "работе" not in text  # the status, in the screen's half


def test_start_then_done_with_a_photo_posted_with_the_form(inside):
    appeal = appeal_in("assigned")
    client = executor()
    started = client.post(f"/console/executor/appeals/{appeal.number}/start")
    assert started.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"

    finished = client.post(
        f"/console/executor/appeals/{appeal.number}/finish",
        {"outcome": "mark_done", "comment": "Заменили задвижку", "photos": [photo("a.jpg"), photo("b.jpg")]},
    )
    assert finished.status_code == 302
    assert finished["Location"] == f"/console/executor/appeals/{appeal.number}/"
    appeal.refresh_from_db()
    assert appeal.status == "done" and appeal.resolution == "Заменили задвижку"
    assert sorted(appeal.attachments.values_list("original_name", flat=True)) == ["a.jpg", "b.jpg"]


@pytest.mark.parametrize("outcome", ["mark_not_done", "mark_done"])
def test_a_report_without_its_comment_says_so_in_the_screens_language(inside, outcome):
    """Not done says why, done says what was done (decision 110)."""
    appeal = appeal_in("in_progress")
    for language, required, other in (
        ("kk", "Бұл өрісті толтыру міндетті.", "Обязательное поле."),
        ("ru", "Обязательное поле.", "Бұл өрісті толтыру міндетті."),
    ):
        answer = executor(language).post(
            f"/console/executor/appeals/{appeal.number}/finish", {"outcome": outcome, "comment": "  "}
        )
        text = answer.content.decode()
        assert answer.status_code == 400
        assert 'id="comment-error"' in text and required in text and other not in text
        assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"


def test_a_refused_photo_keeps_the_comment_and_leaves_the_appeal_in_progress(inside):
    appeal = appeal_in("in_progress")
    answer = executor("ru").post(
        f"/console/executor/appeals/{appeal.number}/finish",
        {"outcome": "mark_done", "comment": "Мой текст", "photos": [photo("notes.txt", b"just text")]},
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    assert (
        'id="photos-error"' in text
        and "Файл не фотография: только JPEG, PNG, WebP или HEIC." in text
        and "Файл фото емес" not in text
    )
    assert "Мой текст</textarea>" in text  # nothing typed is lost
    assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"


def test_a_document_sent_as_a_photo_is_refused_by_its_content(inside):
    """The camera input takes any file a phone offers: a PDF named notimage.png is no photo of the
    work, in the report (no script) and from the upload queue alike."""
    appeal = appeal_in("in_progress")
    report = executor("kk").post(
        f"/console/executor/appeals/{appeal.number}/finish",
        {"outcome": "mark_done", "comment": "Жөнделді", "photos": [photo("notimage.png", PDF)]},
    )
    text = report.content.decode()
    assert report.status_code == 400 and 'id="photos-error"' in text
    assert "Файл фото емес: тек JPEG, PNG, WebP немесе HEIC." in text and "фотография" not in text
    queued = executor("ru").post(
        f"/console/executor/appeals/{appeal.number}/photos",
        {"file": photo("notimage.png", PDF), "client_key": "k"},
    )
    assert queued.status_code == 400  # for good: the queue stops resending it
    assert queued.json()["errors"] == [
        {
            "field": "file",
            "code": "not_a_photo",
            "message": "Файл не фотография: только JPEG, PNG, WebP или HEIC.",
        }
    ]
    assert not Attachment.objects.filter(appeal=appeal).exists()
    assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"


def test_a_resent_photo_is_stored_once(inside):
    appeal = appeal_in("in_progress")
    client = executor()
    url = f"/console/executor/appeals/{appeal.number}/photos"
    first = client.post(url, {"file": photo(), "client_key": "k-1"})
    again = client.post(url, {"file": photo(), "client_key": "k-1"})
    other = client.post(url, {"file": photo(), "client_key": "k-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json()["token"] == again.json()["token"] != other.json()["token"]
    assert Attachment.objects.filter(appeal=appeal).count() == 2
    assert sorted(Attachment.objects.filter(appeal=appeal).values_list("client_key", flat=True)) == [
        "k-1",
        "k-2",
    ]


def test_the_photo_endpoint_refuses_for_good_in_the_screens_language(inside):
    appeal = appeal_in("in_progress")
    url = f"/console/executor/appeals/{appeal.number}/photos"
    refused = executor("kk").post(url, {"file": photo("x.txt", b"not a photo"), "client_key": "k"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "not_a_photo"
    assert refused.json()["errors"][0]["message"].startswith("Файл фото емес")
    assert "только" not in refused.json()["errors"][0]["message"]
    other = elsewhere()
    not_ours = executor("ru").post(
        f"/console/executor/appeals/{other.number}/photos", {"file": photo(), "client_key": "k"}
    )
    assert not_ours.status_code == 404 and not_ours.json()["errors"][0]["code"] == "not_found"
    assert not Attachment.objects.filter(appeal__in=[appeal, other]).exists()


def test_another_organisations_appeal_is_not_found_and_not_acted_on(inside):
    other = elsewhere()
    client = executor()
    assert client.get(f"/console/executor/appeals/{other.number}/").status_code == 404
    assert client.post(f"/console/executor/appeals/{other.number}/start").status_code == 404
    assert Appeal.objects.get(pk=other.pk).status == "assigned"


def test_an_executor_without_a_known_organisation_is_told_why(inside):
    answer = executor("ru", organisation="no-such-org").get("/console/executor/")
    assert answer.status_code == 403
    assert (
        "no-such-org" in answer.content.decode() and "обратитесь к администратору" in answer.content.decode()
    )


def test_other_roles_are_refused_and_strangers_sent_to_sign_in(inside):
    operator = logged_in(user_with_roles("op-x", "operator"))
    assert operator.get("/console/executor/").status_code == 403
    anonymous = executor()
    anonymous.logout()
    answer = anonymous.get("/console/executor/")
    assert answer.status_code == 302 and answer["Location"].startswith("/auth/login/")


def test_the_executor_lands_on_the_list(inside):
    answer = executor().get("/")
    assert answer.status_code == 302 and answer["Location"] == "/console/executor/"


def test_the_phone_form_takes_photos_from_the_camera(inside):
    appeal = appeal_in("in_progress")
    text = executor().get(f"/console/executor/appeals/{appeal.number}/").content.decode()
    assert (
        '<input type="file" id="photos" name="photos" accept="image/*" capture="environment" multiple' in text
    )
    assert '<label for="photos" class="pick">' in text and '<label for="comment">' in text
    assert 'name="outcome" value="mark_done"' in text and 'name="outcome" value="mark_not_done"' in text


def costs(client, url: str, expected: int) -> None:
    client.get(url)  # warm: the session's first read, per-process caches
    with exact_queries(expected):
        assert client.get(url).status_code == 200


# session, user (+ staff profile), roles, organisation of the reach, appeals, counts
LIST_QUERIES = 6
# the same to the appeal, then its attachments and its events
APPEAL_QUERIES = 7


def test_the_list_costs_the_same_queries_for_1_or_8_appeals(inside):
    client = executor()
    appeal_in("assigned")
    costs(client, "/console/executor/", LIST_QUERIES)
    for _ in range(4):
        appeal_in("assigned")
        appeal_in("in_progress")
    costs(client, "/console/executor/", LIST_QUERIES)


def test_the_appeal_page_costs_the_same_queries_with_more_photos_and_history(inside):
    appeal = appeal_in("in_progress")
    client = executor()
    url = f"/console/executor/appeals/{appeal.number}/"
    costs(client, url, APPEAL_QUERIES)
    for n in range(4):
        client.post(f"{url}photos", {"file": photo(f"{n}.jpg"), "client_key": f"k{n}"})
    assert Attachment.objects.filter(appeal=appeal).count() == 4
    costs(client, url, APPEAL_QUERIES)


def test_media_root_is_the_tests_own(inside, tmp_path):
    appeal = appeal_in("in_progress")
    executor().post(f"/console/executor/appeals/{appeal.number}/photos", {"file": photo(), "client_key": "m"})
    stored = Attachment.objects.get(appeal=appeal)
    assert (Path(tmp_path) / stored.file.name).read_bytes() == JPEG
