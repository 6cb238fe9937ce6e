"""The citizens' portal `/appeal/` (decision 100), server side with Django's client on the real
database and Redis: a citizen sends an appeal from a phone without signing in and gets its number
and access code; the appeal is the 109 line's like any other (received, for an operator), never a
second one for a re-sent form; an emergency waits for an operator instead of going to 112 from a
form; every refusal is a 4xx in the screen's language next to its field, what was typed kept;
limits per address and per phone; a fixed number of queries."""

from __future__ import annotations

import random
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from appeals.models import Appeal, EmergencyForward, KeptPhoto
from appeals.portal.submission import new_form_key
from appeals.reads.worklists import Worklist, worklist
from appeals.tracking.access_code import readable
from testkit.files import PDF
from testkit.identities import logged_in, user_with_roles
from testkit.processes import private_redis
from testkit.queries import exact_queries
from tests.appeals.conftest import CENTRE
from tests.federation.emergency_112.conftest import outbox

WORDS = {
    "kk": {"title": "Өтініш жіберу", "sent": "Өтініш жіберілді", "phone": "Телефоныңыз"},
    "ru": {"title": "Отправить обращение", "sent": "Обращение отправлено", "phone": "Ваш телефон"},
}


def a_phone() -> str:
    """A valid mobile number of this test's own: the per-phone counters live in Redis, which
    outlives the test's transaction."""
    return f"+7705{random.randrange(10**7):07d}"


def citizen(language: str = "ru") -> Client:
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    client = Client(HTTP_HOST="petropavlovsk.localhost", REMOTE_ADDR=address)
    client.cookies["django_language"] = language
    return client


def form(**changes: str) -> dict[str, str]:
    return {
        "form_key": new_form_key(),
        "category": "heating",
        "description": "В подъезде холодные батареи третий день",
        "address": "ул. Абая, 10, подъезд 2",
        "latitude": str(CENTRE[1]),
        "longitude": str(CENTRE[0]),
        "phone": a_phone(),
        "name": "Айгерим",
    } | changes


def receipt_number(text: str) -> int:
    found = re.search(r'<dd id="receipt-number" class="code">(\d+)</dd>', text)
    assert found, text[-1500:]
    return int(found.group(1))


def field_error(text: str, field: str) -> tuple[str, str]:
    found = re.search(rf'<p class="error" id="{field}-error" data-code="([a-z_0-9]+)">([^<]*)</p>', text)
    assert found, f"no error under {field}"
    return found.group(1), found.group(2)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_form_speaks_one_language_labels_every_input_and_lists_the_topics(petropavlovsk, language):
    page = citizen(language).get("/appeal/")
    text = page.content.decode()
    other = WORDS["ru" if language == "kk" else "kk"]
    assert page.status_code == 200 and f'<html lang="{language}">' in text
    assert WORDS[language]["title"] in text and WORDS[language]["phone"] in text
    assert other["phone"] not in text and other["title"] not in text
    for field in ("category", "description", "address", "phone", "name"):
        assert f'<label for="{field}">' in text and f'id="{field}"' in text
    assert ("Отопление" if language == "ru" else "Жылумен жабдықтау") in text
    assert re.search(r'<input type="hidden" name="form_key" value="web-[0-9a-f]{32}">', text)
    assert 'href="tel:112"' in text  # emergencies are told to call, not to write
    assert "Cache-Control" in page and "no-store" in page["Cache-Control"]


def test_a_sent_appeal_is_received_for_an_operator_and_its_code_opens_tracking(petropavlovsk):
    client = citizen("kk")
    sent = form()
    page = client.post("/appeal/", sent)
    text = page.content.decode()
    assert page.status_code == 201, text[-1500:]
    assert WORDS["kk"]["sent"] in text
    appeal = Appeal.objects.get(number=receipt_number(text))
    assert (appeal.channel, appeal.status, appeal.applicant_language) == ("web", "received", "kk")
    assert appeal.applicant_phone == sent["phone"] and appeal.category.code == "heating"
    assert appeal.description == sent["description"] and appeal.location is not None
    assert appeal.registered_at is None  # an operator reads and classifies it
    event = appeal.events.get()
    assert (event.actor_subject, event.actor_role) == ("citizen:web", "citizen")
    assert f'id="receipt-code" class="code">{readable(appeal.access_code)}<' in text
    assert sent["phone"] not in text  # the receipt shows nothing personal
    assert appeal.number in [a.number for a in worklist(Worklist.NEW)]

    tracked = client.post(
        "/track/", {"number": str(appeal.number), "access_code": readable(appeal.access_code)}
    )
    assert tracked.status_code == 200 and 'data-status="received"' in tracked.content.decode()


def test_a_re_sent_form_gets_the_first_appeal_never_a_second(petropavlovsk):
    client, sent = citizen(), form()
    first = receipt_number(client.post("/appeal/", sent).content.decode())
    again = client.post("/appeal/", sent | {"phone": sent["phone"].replace("+7", "8")})  # the same phone
    assert again.status_code == 200 and receipt_number(again.content.decode()) == first
    assert Appeal.objects.filter(client_key=sent["form_key"]).count() == 1

    changed = client.post("/appeal/", sent | {"description": "Другой текст"})
    text = changed.content.decode()
    assert changed.status_code == 400 and 'data-code="idempotency_conflict"' in text
    assert f"№{first}" in text and "Другой текст" in text  # told which, what was typed kept
    fresh_key = re.search(r'name="form_key" value="(web-[0-9a-f]{32})"', text).group(1)
    assert fresh_key != sent["form_key"]  # sending it again makes the new appeal
    other = client.post("/appeal/", sent | {"description": "Другой текст", "form_key": fresh_key})
    assert other.status_code == 201 and receipt_number(other.content.decode()) != first


def test_an_emergency_from_the_form_waits_for_an_operator_and_the_citizen_is_told_to_call_112(petropavlovsk):
    page = citizen("ru").post("/appeal/", form(category="medical", description="Человеку плохо на остановке"))
    text = page.content.decode()
    assert page.status_code == 201 and "data-emergency" in text and 'href="tel:112"' in text
    appeal = Appeal.objects.get(number=receipt_number(text))
    assert appeal.status == "received" and not EmergencyForward.objects.filter(appeal=appeal).exists()
    assert outbox("emergency112.incident", ordering_key=f"emergency112:{appeal.number}") == []
    assert next(a.number for a in worklist(Worklist.NEW)) == appeal.number  # first in the operators' list


@pytest.mark.parametrize(
    ("language", "changes", "field", "code", "words"),
    [
        ("ru", {"description": "   "}, "description", "required", "Опишите проблему"),
        ("kk", {"description": ""}, "description", "required", "Мәселені сипаттаңыз"),
        ("ru", {"description": "х" * 5001}, "description", "too_long", "5000"),
        ("ru", {"phone": ""}, "phone", "required", "Укажите номер телефона"),
        ("kk", {"phone": "12345"}, "phone", "invalid_phone", "+7 705 123 45 67"),
        ("ru", {"category": "no-such"}, "category", "not_found", "Выберите тему"),
        (
            "ru",
            {"latitude": "43.24", "longitude": "76.95"},
            "location",
            "outside_region",
            "Северо-Казахстанской",
        ),
        ("kk", {"latitude": "abc"}, "location", "invalid_location", "белгіні қайта қойыңыз"),
        ("ru", {"latitude": "nan", "longitude": "inf"}, "location", "invalid_location", "ещё раз"),
        ("ru", {"latitude": "54.87", "longitude": ""}, "location", "invalid_location", ""),
        ("ru", {"name": "я" * 201}, "name", "too_long", "200"),
        ("ru", {"address": "a" * 301}, "address", "too_long", "300"),
    ],
)
def test_a_refused_form_says_why_next_to_the_field_and_keeps_what_was_typed(
    petropavlovsk, language, changes, field, code, words
):
    sent = form(**changes)
    page = citizen(language).post("/appeal/", sent)
    text = page.content.decode()
    assert page.status_code == 400
    found_code, message = field_error(text, field)
    assert found_code == code and words in message, message
    assert 'data-code="invalid"' in text  # "not sent yet" on top
    assert f'value="{sent["form_key"]}"' in text  # the same form: correcting it sends it once
    if field != "phone":
        assert f'value="{sent["phone"]}"' in text
    assert not Appeal.objects.filter(client_key=sent["form_key"]).exists()


def test_a_pin_that_is_not_a_number_is_said_with_every_other_problem(petropavlovsk):
    page = citizen("kk").post("/appeal/", form(latitude="abc", phone="12", description=" "))
    text = page.content.decode()
    assert page.status_code == 400
    assert [field_error(text, name)[0] for name in ("location", "phone", "description")] == [
        "invalid_location",
        "invalid_phone",
        "required",
    ]


@pytest.mark.parametrize("key", ["", "web-xyz", "anything", "web-" + "A" * 32])
def test_a_form_without_its_own_key_is_refused_as_not_whole(petropavlovsk, key):
    page = citizen().post("/appeal/", form(form_key=key))
    assert page.status_code == 400 and 'data-code="not_a_form"' in page.content.decode()
    assert not Appeal.objects.filter(channel="web", client_key=key or None).exists()


def test_a_body_that_is_not_a_form_is_a_400(petropavlovsk):
    page = citizen().generic(
        "POST", "/appeal/", b"--B\r\nbroken", content_type="multipart/form-data; boundary=B"
    )
    assert page.status_code == 400 and 'data-code="not_a_form"' in page.content.decode()


def test_a_phone_and_an_address_have_their_limits_and_refusals_cost_nothing(petropavlovsk, settings):
    settings.APPEALS_PORTAL_PER_PHONE = 2
    settings.APPEALS_PORTAL_PER_ADDRESS = 3
    client, phone = citizen(), a_phone()
    for _ in range(3):  # refused forms are not counted
        assert client.post("/appeal/", form(phone=phone, description="")).status_code == 400
    first = form(phone=phone)
    assert client.post("/appeal/", first).status_code == 201
    assert client.post("/appeal/", form(phone=phone)).status_code == 201
    refused = client.post("/appeal/", form(phone=phone))
    text = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 3600  # the phone's day
    assert field_error(text, "phone")[0] == "too_many_appeals" and "109" in field_error(text, "phone")[1]
    again = client.post("/appeal/", first)  # a re-send of a form that made its appeal still answers
    assert again.status_code == 200
    assert client.post("/appeal/", form()).status_code == 201  # another phone: the address's third
    by_address = client.post("/appeal/", form())
    assert by_address.status_code == 429 and 0 < int(by_address["Retry-After"]) <= 3600
    assert 'role="alert" data-code="too_many_appeals"' in by_address.content.decode()
    assert citizen().post("/appeal/", form()).status_code == 201  # another address is not held


@pytest.mark.slow
def test_with_its_redis_down_an_appeal_is_still_taken(petropavlovsk, tmp_path):
    with private_redis(tmp_path) as (url, process), override_settings(APPEALS_TRACKING_REDIS_URL=url):
        process.kill()
        process.wait(timeout=10)
        page = citizen().post("/appeal/", form())
    assert page.status_code == 201
    assert Appeal.objects.filter(number=receipt_number(page.content.decode())).exists()


def test_the_home_page_leads_to_the_form_and_the_map_has_the_boundary(petropavlovsk):
    client = citizen("ru")
    assert 'href="/appeal/">Отправить обращение<' in client.get("/").content.decode()
    shape = client.get("/appeal/akimat.geojson")
    assert shape.status_code == 200 and shape.json()["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_the_form_and_a_sending_cost_a_fixed_number_of_queries(petropavlovsk):
    client = citizen()
    client.get("/appeal/")  # the akimat of the host and its catalogue, once a process
    with exact_queries(0):  # no session, no user; the topics from the process's catalogue
        client.get("/appeal/")
    client.post("/appeal/", form())
    # the appeal with its event, the region's message, the repeat candidates, and the savepoint's two
    # (the test's own transaction around intake's)
    with exact_queries(5) as captured:
        page = client.post("/appeal/", form())
    assert page.status_code == 201, [q["sql"][:80] for q in captured.captured_queries]


@pytest.mark.parametrize(
    ("language", "said", "other"), [("kk", "Азамат, сайт", "Гражданин"), ("ru", "Гражданин, сайт", "Азамат")]
)
def test_the_operator_sees_the_citizen_as_the_sender_in_the_screens_language(
    petropavlovsk, language, said, other
):
    number = receipt_number(citizen(language).post("/appeal/", form()).content.decode())
    operator = logged_in(user_with_roles(f"portal-op-{language}", "operator"))
    operator.cookies["django_language"] = language
    text = operator.get(f"/console/appeals/{number}/").content.decode()
    history = text[text.index(f"№{number}") :]
    assert said in history and f"{other}, сайт" not in history
    queue = operator.get("/console/queues/?list=new").content.decode()
    row = queue[queue.index(f">{number}</a>") :].split("</tr>")[0]
    assert '<span class="badge channel" data-channel="web">Сайт</span>' in row  # nobody on the line


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def photo(name: str = "dvor.png", content: bytes | None = None) -> SimpleUploadedFile:
    """A photo whose bytes are its own (photos are told apart by content), PNG's length."""
    return SimpleUploadedFile(name, png(name) if content is None else content, content_type="image/png")


def png(name: str) -> bytes:
    return PNG[:-24] + name.encode().ljust(24, b"\0")[:24]


def test_photos_come_with_the_appeal_once(petropavlovsk):
    client, sent = citizen("kk"), form()
    page = client.post("/appeal/", sent | {"photo": [photo("1.png"), photo("2.png")]})
    text = page.content.decode()
    assert page.status_code == 201 and '<dd id="receipt-photos">2</dd>' in text
    appeal = Appeal.objects.get(number=receipt_number(text))
    stored = list(appeal.attachments.order_by("original_name"))
    assert [(a.original_name, a.content_type, a.size) for a in stored] == [
        ("1.png", "image/png", len(PNG)),
        ("2.png", "image/png", len(PNG)),
    ]
    added = appeal.events.filter(kind="attachment_added")
    assert added.count() == 2 and {e.actor_role for e in added} == {"citizen"}
    again = client.post("/appeal/", sent | {"photo": [photo("1.png"), photo("2.png")]})
    assert again.status_code == 200 and appeal.attachments.count() == 2  # a re-send stores nothing


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (photo("note.txt", b"just some text, not a photo"), "not_a_photo"),
        (photo("notimage.png", PDF), "not_a_photo"),  # a document, whatever its name
        (photo("empty.png", b""), "empty"),
    ],
)
def test_a_bad_photo_is_named_with_every_other_problem_and_the_good_kept(petropavlovsk, media, bad, code):
    """The citizen hears everything to mend at once, and does not choose the good photo again."""
    sent = form(phone="12")
    page = citizen("ru").post("/appeal/", sent | {"photo": [bad, photo("dvor.png")]})
    text = page.content.decode()
    refused, message = field_error(text, "photo")
    assert page.status_code == 400 and refused == code
    assert message.startswith(f"{bad.name}: ") and " / " not in message  # in the screen's language only
    assert field_error(text, "phone")[0] == "invalid_phone"  # not left for a second refusal
    assert [name for name, _token in kept_listed(text)] == ["dvor.png"]
    assert 'id="photos-lost"' not in text and sent["description"] in text
    assert not Appeal.objects.filter(client_key=sent["form_key"]).exists()


def test_two_bad_photos_are_both_named(petropavlovsk, media):
    page = citizen("kk").post("/appeal/", form() | {"photo": [photo("a.txt", b"text"), photo("b.png", b"")]})
    refused, message = field_error(page.content.decode(), "photo")
    assert page.status_code == 400 and refused == "not_a_photo"
    assert message.startswith("a.txt: Файл фото емес: тек JPEG") and " b.png: " in message


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("kk", "Фотосуреттер тым көп: бір өтініште ең көбі 3."),
        ("ru", "Слишком много фото: не больше 3 в одном обращении."),
    ],
)
def test_too_many_photos_at_once_are_said_in_the_portals_words(petropavlovsk, media, language, said):
    sent = form()
    page = citizen(language).post("/appeal/", sent | {"photo": [photo(f"{n}.png") for n in range(4)]})
    text = page.content.decode()
    assert page.status_code == 400 and field_error(text, "photo") == ("too_many", said)
    assert 'id="photos-lost"' in text and kept_listed(text) == [] and sent["description"] in text
    assert not Appeal.objects.filter(client_key=sent["form_key"]).exists()


# ------------------------------------------------------------------ photos of a refused form (decision 109)
def kept_listed(text: str) -> list[tuple[str, str]]:
    """(name, token) of each photo the page lists as kept with the form."""
    return re.findall(
        r'<li><span class="kept-name">([^<]*)</span> <span class="hint">[^<]+</span>\s*'
        r'<label class="drop"><input type="checkbox" name="drop_photo" value="([0-9a-f-]{36})">',
        text,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("language", "said", "more"),
    [
        ("kk", "Осы формамен сақталды", "Тағы фотосуреттер (міндетті емес, 2 дейін)"),
        ("ru", "Сохранены с этой формой", "Ещё фото (необязательно, до 2)"),
    ],
)
def test_a_form_refused_for_its_phone_keeps_its_photo_and_the_next_sending_stores_it(
    petropavlovsk, media, language, said, more
):
    client, sent = citizen(language), form()
    page = client.post("/appeal/", sent | {"phone": "12345", "photo": [photo("podezd.png")]})
    text = page.content.decode()
    assert page.status_code == 400 and field_error(text, "phone")[0] == "invalid_phone"
    listed = kept_listed(text)
    assert [name for name, _token in listed] == ["podezd.png"] and 'id="photos-lost"' not in text
    assert said in text and more in text and '<input type="hidden" name="kept_photos" value="1">' in text
    assert "<img" not in text[text.index('id="kept-photos"') :]  # a name and a size, never the image
    assert f'value="{sent["form_key"]}"' in text  # the same form: its key holds the photo

    again = client.post("/appeal/", sent | {"kept_photos": "1", "photo": [photo("dvor.png")]})
    text = again.content.decode()
    assert again.status_code == 201 and '<dd id="receipt-photos">2</dd>' in text
    appeal = Appeal.objects.get(number=receipt_number(text))
    assert [a.original_name for a in appeal.attachments.order_by("id")] == ["podezd.png", "dvor.png"]
    assert not KeptPhoto.objects.filter(form_key=sent["form_key"]).exists()
    resent = client.post("/appeal/", sent | {"kept_photos": "1", "photo": [photo("dvor.png")]})
    assert resent.status_code == 200 and '<dd id="receipt-photos">2</dd>' in resent.content.decode()
    assert appeal.attachments.count() == 2  # nothing twice


def test_a_kept_photo_ticked_off_is_dropped_and_three_is_the_most_in_all(petropavlovsk, media):
    client, sent = citizen("ru"), form(description="")
    first = client.post("/appeal/", sent | {"photo": [photo("1.png"), photo("2.png")]}).content.decode()
    (one, first_token), (two, _second) = kept_listed(first)
    assert (one, two) == ("1.png", "2.png")
    too_many = client.post("/appeal/", sent | {"kept_photos": "1", "photo": [photo("3.png"), photo("4.png")]})
    text = too_many.content.decode()
    code, message = field_error(text, "photo")
    assert too_many.status_code == 400 and code == "too_many" and "не больше 3" in message
    assert [name for name, _ in kept_listed(text)] == ["1.png", "2.png"] and 'id="photos-lost"' in text
    # Only the new ones are to be chosen again (the page said "not kept" beside the kept list).
    assert "выбранные в этот раз, не сохранены" in text and "фото не сохраняются" not in text

    dropped = client.post(
        "/appeal/", sent | {"kept_photos": "1", "drop_photo": first_token, "photo": [photo("3.png")]}
    )
    text = dropped.content.decode()
    assert dropped.status_code == 400 and [name for name, _ in kept_listed(text)] == ["2.png", "3.png"]
    assert "Ещё фото (необязательно, до 1)" in text
    full = client.post("/appeal/", sent | {"kept_photos": "1", "photo": [photo("4.png")]}).content.decode()
    assert "Чтобы добавить фото, сначала уберите сохранённое (всего до 3)" in full
    done = client.post("/appeal/", sent | {"description": "Холодно", "kept_photos": "1"})
    appeal = Appeal.objects.get(number=receipt_number(done.content.decode()))
    assert [a.original_name for a in appeal.attachments.order_by("id")] == ["2.png", "3.png", "4.png"]


def test_a_pin_that_is_not_a_place_keeps_the_photos_too(petropavlovsk, media):
    page = citizen().post("/appeal/", form(latitude="abc") | {"photo": [photo("pin.png")]})
    text = page.content.decode()
    assert page.status_code == 400 and field_error(text, "location")[0] == "invalid_location"
    assert [name for name, _ in kept_listed(text)] == ["pin.png"]


@pytest.mark.parametrize(("language", "words"), [("kk", "Бұл жаңа форма"), ("ru", "Это новая форма")])
def test_a_new_form_after_a_changed_re_send_says_its_photos_are_not_kept(
    petropavlovsk, media, language, words
):
    client, sent = citizen(language), form()
    assert client.post("/appeal/", sent).status_code == 201
    changed = client.post("/appeal/", sent | {"description": "Другой текст", "photo": [photo()]})
    text = changed.content.decode()
    assert changed.status_code == 400 and 'data-code="idempotency_conflict"' in text
    assert 'id="photos-lost" data-renewed' in text and words in text and kept_listed(text) == []
    assert not KeptPhoto.objects.filter(form_key=sent["form_key"]).exists()


def test_past_the_addresss_budget_the_photos_are_to_be_chosen_again(petropavlovsk, media, settings):
    settings.APPEALS_PORTAL_KEPT_PHOTOS_PER_ADDRESS = 1
    client = citizen("ru")
    assert (
        len(kept_listed(client.post("/appeal/", form(phone="") | {"photo": [photo()]}).content.decode())) == 1
    )
    spent = client.post("/appeal/", form(phone="") | {"photo": [photo()]}).content.decode()
    assert kept_listed(spent) == [] and "фото не сохраняются: выберите их ещё раз" in spent


def test_another_forms_key_neither_lists_nor_drops_nor_takes_a_kept_photo(petropavlovsk, media):
    client, mine = citizen(), form(phone="")
    ((_, token),) = kept_listed(
        client.post("/appeal/", mine | {"photo": [photo("mine.png")]}).content.decode()
    )
    other = form(phone="")
    page = client.post("/appeal/", other | {"kept_photos": "1", "drop_photo": token}).content.decode()
    assert kept_listed(page) == [] and token not in page
    sent = client.post("/appeal/", other | {"phone": a_phone(), "kept_photos": "1"})
    appeal = Appeal.objects.get(number=receipt_number(sent.content.decode()))
    assert not appeal.attachments.exists()
    assert KeptPhoto.objects.filter(form_key=mine["form_key"], token=token).exists()


def test_a_refusal_and_a_sending_with_kept_photos_cost_a_fixed_number_of_queries(petropavlovsk, media):
    client = citizen()
    client.post("/appeal/", form())  # the akimat, its catalogue and the akimats once a process
    sent = form(phone="")
    # The appeal's savepoint rolled back when intake refused (three), the schema's path, and the
    # keeping: a savepoint's two around the key's lock, the key's kept rows, their insert.
    with exact_queries(3 + 1 + 2 + 1 + 1 + 1):
        client.post("/appeal/", sent | {"photo": [photo("a.png"), photo("b.png")]})
    # The sending: the kept rows, a savepoint's two, intake's five, each photo a row and its event,
    # the kept rows' removal (read, then deleted), the receipt's count of photos.
    with exact_queries(1 + 2 + 5 + 2 * 2 + 2 + 1):
        page = client.post("/appeal/", sent | {"phone": a_phone(), "kept_photos": "1"})
    assert page.status_code == 201


def test_the_form_asked_by_its_key_lists_what_it_kept_and_keeps_its_key(petropavlovsk):
    """After the language switch (portal.js asks `/appeal/?form=<key>`): the same form, its kept
    photos listed; a key that is not one gives a new form."""
    client = citizen("ru")
    sent = form(phone="12")
    key = sent["form_key"]
    assert client.post("/appeal/", sent | {"photo": [photo("a.png")]}).status_code == 400
    again = citizen("kk").get(f"/appeal/?form={key}").content.decode()
    assert f'name="form_key" value="{key}"' in again and '<span class="kept-name">a.png</span>' in again
    fresh = citizen("kk").get("/appeal/?form=web-nope").content.decode()
    assert 'value="web-nope"' not in fresh and "kept-name" not in fresh
