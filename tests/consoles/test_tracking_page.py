"""The citizen's tracking page `/track/` (server side, Django's client on the real database and
Redis): one language per screen, Kazakh or Russian, kept in a cookie for an anonymous citizen;
every refusal a 4xx in that language next to the field it is about, what was typed kept, never a
500; nothing personal; a fixed number of SQL queries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.utils.timezone import localtime
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.tracking.access_code import readable
from appeals.tracking.service import client_limit
from testkit.processes import private_redis
from testkit.queries import exact_queries
from tests.appeals.conftest import OPERATOR, appeal_in, intake

PHONE = "+77051239876"
WORDS = {
    "kk": {"title": "Өтінішті қадағалау", "number": "Өтініш нөмірі", "received": "Қабылданды"},
    "ru": {"title": "Отследить обращение", "number": "Номер обращения", "received": "Поступило"},
}


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def citizen(language: str | None = "ru") -> Client:
    """An anonymous browser of its own address: the guesses counted against it are this test's alone
    (the counters live in Redis, which outlives the test's transaction)."""
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    client = Client(HTTP_HOST="petropavlovsk.localhost", REMOTE_ADDR=address)
    if language:
        client.cookies["django_language"] = language
    return client


def other_language(language: str) -> str:
    return "ru" if language == "kk" else "kk"


def field_error(text: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error" data-code="([a-z_0-9]+)">([^<]*)</p>', text)
    assert found, f"no error under {field}"
    return found.group(1), found.group(2)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_form_speaks_one_language_and_labels_every_input(inside, language):
    page = citizen(language).get("/track/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f'<html lang="{language}">' in text
    assert WORDS[language]["title"] in text and WORDS[language]["number"] in text
    assert WORDS[other_language(language)]["number"] not in text  # not both side by side
    for field in ("number", "access_code", "phone_last4"):
        assert f'<label for="{field}">' in text and f'id="{field}"' in text
    assert 'id="number" name="number"' in text and "autofocus" in text.split('id="number"')[1].split(">")[0]
    assert 'name="language"' in text  # the switch


def test_without_a_choice_the_browsers_language_decides(inside):
    kazakh = citizen(None).get("/track/", HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9,ru;q=0.8")
    assert WORDS["kk"]["title"] in kazakh.content.decode()
    for header in ("de-DE", "en-US,en;q=0.9"):  # neither kk nor ru: Russian (English is the API's)
        other = citizen(None).get("/track/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
        assert WORDS["ru"]["title"] in other and '<html lang="ru">' in other, header


def test_a_citizens_choice_is_kept_in_a_cookie_and_the_number_survives_the_switch(inside):
    client = citizen(None)
    switched = client.post("/console/language", {"language": "kk", "next": "/track/?number=1024"})
    assert switched.status_code == 302 and switched["Location"] == "/track/?number=1024"
    assert client.cookies["django_language"].value == "kk"
    page = client.get(switched["Location"]).content.decode()
    assert WORDS["kk"]["title"] in page and 'value="1024"' in page
    # Anything but digits is not put back into the form.
    assert 'value=""' in client.get("/track/?number=12a").content.decode()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_access_code_shows_status_and_dates_and_nothing_personal(inside, language):
    appeal = appeal_in("done", phone=PHONE, applicant_name="Ержан Касымов")
    page = citizen(language).post(
        "/track/", {"number": str(appeal.number), "access_code": readable(appeal.access_code).lower()}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'data-status="done"' in text
    status = {"kk": "Орындалды", "ru": "Выполнено"}
    assert f">{status[language]}</strong>" in text and status[other_language(language)] not in text
    assert WORDS[language]["received"] in text
    assert localtime(appeal.received_at).strftime("%d.%m.%Y %H:%M") in text
    for secret in ("77051239876", "Ержан", "Касымов", appeal.description, appeal.access_code):
        assert secret not in text
    # The switch leads back to the form with the number, never the code.
    assert f'name="next" value="/track/?number={appeal.number}"' in text


def test_the_phones_last_digits_open_it_too_and_112s_status_is_shown(inside):
    appeal = intake(phone=PHONE, category="heating")
    actions.forward_to_112(OPERATOR, appeal.number, services=["101"])
    page = citizen("kk").post("/track/", {"number": str(appeal.number), "phone_last4": "9876"})
    text = page.content.decode()
    assert page.status_code == 200 and "data-emergency" in text
    assert "112-ге жіберілді" in text and "Передано в 112" not in text


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_wrong_code_answers_like_an_unknown_number_in_the_screens_language(inside, language):
    appeal = intake(phone=PHONE)
    client = citizen(language)
    wrong = client.post("/track/", {"number": str(appeal.number), "access_code": "ABCD-EFGH"})
    unknown = client.post("/track/", {"number": "99999999", "access_code": "ABCD-EFGH"})
    assert wrong.status_code == unknown.status_code == 404
    text = wrong.content.decode()
    message = {"kk": "өтініш табылмады", "ru": "не найдено"}
    assert 'role="alert" data-code="not_found"' in text and message[language] in text
    assert message[other_language(language)] not in text
    assert unknown.content.decode().count(message[language]) == 1
    assert f'value="{appeal.number}"' in text and 'value="ABCD-EFGH"' in text  # nothing typed is lost


@pytest.mark.parametrize(
    ("form", "field", "code", "words"),
    [
        ({"number": "12a", "phone_last4": "9876"}, "number", "not_a_number", ("цифрлардан", "из цифр")),
        ({"number": "²", "phone_last4": "9876"}, "number", "not_a_number", ("цифрлардан", "из цифр")),
        ({"number": "0", "phone_last4": "9876"}, "number", "invalid_number", ("цифрлардан", "из цифр")),
        ({"number": "5", "access_code": "AB"}, "access_code", "invalid_access_code", ("8 әріп", "8 букв")),
        ({"number": "5", "phone_last4": "98"}, "phone_last4", "invalid_phone_last4", ("дәл", "ровно 4")),
        ({"number": "5"}, "phone_last4", "required", ("енгізіңіз", "Введите код")),
    ],
)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_malformed_input_is_a_field_error_with_the_focus_on_that_field(
    inside, language, form, field, code, words
):
    answer = citizen(language).post("/track/", form)
    text = answer.content.decode()
    assert answer.status_code == 400
    found_code, message = field_error(text, field)
    assert found_code == code and words[0 if language == "kk" else 1] in message
    attributes = text.split(f'id="{field}"')[1].split(">")[0]
    assert 'aria-invalid="true"' in attributes and f'aria-describedby="{field}-error"' in attributes
    assert "autofocus" in attributes and text.count("autofocus") == 1
    assert f'value="{form["number"]}"' in text  # what was typed stays


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_too_many_wrong_codes_are_refused_with_when_to_try_again(inside, language):
    appeal = intake(phone=PHONE)
    client = citizen(language)
    for _ in range(client_limit()):
        client.post("/track/", {"number": str(appeal.number), "access_code": "ABCD-EFGH"})
    blocked = client.post(
        "/track/", {"number": str(appeal.number), "access_code": readable(appeal.access_code)}
    )
    text = blocked.content.decode()
    assert blocked.status_code == 429 and 0 < int(blocked["Retry-After"]) <= 3600
    minutes = -(-int(blocked["Retry-After"]) // 60)
    expected = {
        "kk": f"{minutes} минуттан кейін қайталап көріңіз",
        "ru": f"Повторите через {minutes} мин.",
    }
    assert 'data-code="too_many_attempts"' in text and expected[language] in text


@pytest.mark.slow
def test_with_its_redis_really_stopped_the_page_refuses_in_the_screens_language(inside, tmp_path):
    appeal = intake(phone=PHONE)
    form = {"number": str(appeal.number), "access_code": readable(appeal.access_code)}
    with private_redis(tmp_path) as (url, process), override_settings(APPEALS_TRACKING_REDIS_URL=url):
        assert citizen("kk").post("/track/", form).status_code == 200
        process.kill()
        process.wait(timeout=10)
        down = citizen("kk").post("/track/", form)
    text = down.content.decode()
    assert down.status_code == 503 and down["Retry-After"] == "30"
    assert 'data-code="unavailable"' in text and "Қадағалау уақытша қолжетімсіз" in text
    assert "временно недоступно" not in text


def test_a_body_that_cannot_be_parsed_is_refused_in_our_words(inside):
    answer = citizen("ru").generic(
        "POST",
        "/track/",
        b"--B\r\ngarbage",
        content_type="multipart/form-data",  # no boundary
    )
    assert answer.status_code == 400 and 'data-code="not_a_form"' in answer.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(inside):
    appeal = appeal_in("done", phone=PHONE)
    client = citizen("ru")
    client.get("/track/")  # the akimat of the host, looked up once per process
    with exact_queries(0):  # no session, no user: nothing to read
        client.get("/track/")
    with exact_queries(2):  # the appeal, its 112 copy
        tracked = client.post("/track/", {"number": str(appeal.number), "phone_last4": "9876"})
    assert tracked.status_code == 200
    with exact_queries(1):
        client.post("/track/", {"number": str(appeal.number), "access_code": "ABCD-EFGH"})
