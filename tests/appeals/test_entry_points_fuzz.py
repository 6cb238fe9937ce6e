"""Issue 11: every public HTTP entry point of an akimat answers malformed input with a typed 4xx,
never a 500 nor the database's own words. Property-based (hypothesis) against the real services:
the tracking page and trackAppeal, caller ID from the exchange, attachments up and down."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from appeals.actions.telephony import set_exchange_secret
from appeals.portal.submission import new_form_key
from appeals.tracking.access_code import readable
from tests.appeals.conftest import intake
from tests.appeals.fuzz_support import (
    FUZZ,
    assert_clean,
    form_text,
    hostile_text,
    huge_or_odd_int,
    json_codes,
    json_value,
    raw_bytes,
)

PAGE_CODES = {"not_a_form", "not_a_number", "not_found", "too_many_attempts", "access_code_required"}
PAGE_CODES |= {"required", "invalid_number", "invalid_access_code", "invalid_phone_last4"}
TRACK = """query($n: Int!, $d: String, $c: String) {
  trackAppeal(number: $n, phoneLast4: $d, accessCode: $c) { number }
}"""
SECRET = "petropavlovsk-exchange-secret-for-fuzzing"
clients = st.ip_addresses().map(str)


@pytest.fixture(autouse=True)
def _no_counters_of_earlier_runs():
    cache.clear()


@pytest.fixture
def citizen_appeal(petropavlovsk):
    return intake(phone="+77051239876")


# ------------------------------------------------------------------ the two findings, exactly
def test_a_superscript_digit_as_the_number_is_refused_not_a_crash(anonymous_client):
    """Finding: `POST /track/` with number=² was a 500 ("²".isdigit() is true, int("²") raises)."""
    for number in ("²", "١٢", "𝟗", "9" * 20):
        page = anonymous_client.post("/track/", {"number": number, "phone_last4": "1234"})
        assert page.status_code == 400, number
        assert 'data-code="not_a_number"' in page.content.decode()


# ------------------------------------------------------------------ the citizen's page
def page_code(body: str) -> str | None:
    found = re.search(r'data-code="([a-z0-9_]+)"', body)
    return found.group(1) if found else None


@FUZZ
@given(data=st.data(), digits=form_text, code=form_text, address=clients)
def test_the_tracking_page_answers_any_form_with_a_typed_4xx_or_the_appeal(
    anonymous_client, citizen_appeal, data, digits, code, address
):
    number = data.draw(st.one_of(form_text, st.just(str(citizen_appeal.number))), label="number")
    digits = data.draw(st.sampled_from([digits, "9876", ""]), label="digits")
    code = data.draw(st.sampled_from([code, readable(citizen_appeal.access_code), ""]), label="code")
    response = anonymous_client.post(
        "/track/", {"number": number, "phone_last4": digits, "access_code": code}, REMOTE_ADDR=address
    )
    body = assert_clean(response)
    if response.status_code == 200:
        assert f"№{citizen_appeal.number}</h2>" in body and 'id="tracked"' in body
    else:
        assert response.status_code in (400, 403, 404, 429) and page_code(body) in PAGE_CODES, body[-800:]


@FUZZ
@given(
    body=raw_bytes,
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=B"]
    ),
)
def test_the_tracking_page_answers_any_body_with_a_typed_4xx(anonymous_client, body, content_type):
    response = anonymous_client.generic("POST", "/track/", body, content_type=content_type)
    assert response.status_code in (400, 403, 404, 429) and page_code(assert_clean(response)) in PAGE_CODES


@FUZZ
@given(data=st.data(), number=json_value, digits=json_value, code=json_value, address=clients)
def test_track_appeal_answers_any_variables_typed(
    anonymous_client, citizen_appeal, data, number, digits, code, address
):
    number = data.draw(st.sampled_from([number, citizen_appeal.number]), label="number")
    digits = data.draw(st.one_of(st.just(digits), hostile_text, st.just("9876")), label="digits")
    code = data.draw(st.sampled_from([code, citizen_appeal.access_code, None]), label="code")
    response = anonymous_client.post(
        "/graphql/",
        {"query": TRACK, "variables": {"n": number, "d": digits, "c": code}},
        content_type="application/json",
        REMOTE_ADDR=address,
    )
    codes = json_codes(response)
    if not codes:
        assert response.json()["data"]["trackAppeal"] in (None, {"number": citizen_appeal.number})
    assert "internal_error" not in codes


# ------------------------------------------------------------------ caller ID
@pytest.fixture
def exchange(petropavlovsk):
    set_exchange_secret("fuzz", SECRET)
    return Client(HTTP_HOST="petropavlovsk.localhost", HTTP_X_EXCHANGE_SECRET=SECRET)


def test_a_caller_with_a_nul_byte_is_refused_typed(exchange):
    response = exchange.post(
        "/telephony/incoming-call", {"caller": "+7705\x001234567"}, content_type="application/json"
    )
    assert response.status_code == 400 and json_codes(response) == ["invalid_characters"]
    assert response.json()["errors"][0]["field"] == "caller"


@FUZZ
@given(caller=json_value, call_id=json_value, line=json_value, extra=json_value)
def test_caller_id_answers_any_json_typed(exchange, caller, call_id, line, extra):
    body = {"caller": caller, "callId": call_id, "line": line} if extra is not None else extra
    response = exchange.post("/telephony/incoming-call", json.dumps(body), content_type="application/json")
    codes = json_codes(response)
    assert response.status_code in (200, 201) if not codes else response.status_code == 400


@FUZZ
@given(body=raw_bytes, secret=st.one_of(st.just(SECRET), form_text.filter(lambda s: "\n" not in s)))
def test_caller_id_answers_any_bytes_typed(exchange, body, secret):
    response = exchange.generic(
        "POST",
        "/telephony/incoming-call",
        body,
        content_type="application/json",
        HTTP_X_EXCHANGE_SECRET=secret,
    )
    assert response.status_code in (200, 201, 400, 401)
    if response.status_code >= 400:
        assert json_codes(response)


# ------------------------------------------------------------------ attachments
@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@FUZZ
@given(
    data=st.data(),
    # The test client itself refuses names it cannot put in a header or that end in a separator.
    name=form_text.filter(lambda s: not set(s) & set('\r\n"/\\') and s not in (".", "..")),
    head=st.sampled_from([b"\xff\xd8\xff\xe0", b"%PDF-1.7\n", b"", b"\x00\x00"]),
    content=st.binary(max_size=64),
)
def test_an_upload_answers_any_number_name_and_content_typed(
    operator_client, citizen_appeal, media, data, name, head, content
):
    number = data.draw(st.one_of(huge_or_odd_int.filter(lambda n: n >= 0), st.just(citizen_appeal.number)))
    response = operator_client.post(
        f"/appeals/{number}/attachments", {"file": SimpleUploadedFile(name or "f", head + content)}
    )
    codes = json_codes(response)
    assert (response.status_code == 201) if not codes else response.status_code in (400, 403, 404)


@FUZZ
@given(body=raw_bytes, boundary=st.sampled_from(["; boundary=B", "", "; boundary=", "; boundary=\u00b2"]))
def test_an_upload_answers_any_body_typed(operator_client, citizen_appeal, media, body, boundary):
    response = operator_client.generic(
        "POST",
        f"/appeals/{citizen_appeal.number}/attachments",
        b"--B\r\n" + body,
        content_type=f"multipart/form-data{boundary}",
    )
    assert response.status_code == 400 and json_codes(response)[0] in ("required", "invalid_multipart")


@FUZZ
@given(token=st.uuids())
def test_a_download_answers_any_token_typed(operator_client, token):
    response = operator_client.get(f"/appeals/attachments/{token}")
    assert response.status_code == 404 and json_codes(response) == ["not_found"]


def test_a_file_name_with_characters_the_database_refuses_is_stored_without_them(
    operator_client, citizen_appeal, media
):
    # Django's multipart parser keeps printable characters of a file name only: NUL never arrives.
    response = operator_client.post(
        f"/appeals/{citizen_appeal.number}/attachments",
        {"file": SimpleUploadedFile("photo\x00\x1b.jpg", b"\xff\xd8\xff\xe0" + b"0" * 64)},
    )
    assert response.status_code == 201
    assert citizen_appeal.attachments.get().original_name == "photo.jpg"


def test_an_upload_without_a_session_is_refused_typed(citizen_appeal, media):
    anyone = Client(HTTP_HOST="petropavlovsk.localhost")
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff")
    response = anyone.post(f"/appeals/{citizen_appeal.number}/attachments", {"file": photo})
    assert response.status_code == 403 and json_codes(response) == ["forbidden"]


# ------------------------------------------------------------------ the citizens' portal
PORTAL_CODES = {"invalid", "not_a_form", "too_many_appeals", "idempotency_conflict"}
coordinate_text = st.one_of(form_text, st.floats(allow_nan=True, allow_infinity=True).map(str))


@FUZZ
@given(
    data=st.data(),
    description=form_text,
    phone=form_text,
    category=form_text,
    address=form_text,
    latitude=coordinate_text,
    longitude=coordinate_text,
    client=clients,
)
def test_the_portal_answers_any_form_with_a_receipt_or_a_typed_4xx(
    petropavlovsk, data, description, phone, category, address, latitude, longitude, client
):
    form = {
        "form_key": data.draw(st.sampled_from([new_form_key(), "", "web-1"]), label="key"),
        "description": data.draw(st.sampled_from([description, "Нет света в подъезде"]), label="text"),
        "phone": data.draw(st.sampled_from([phone, "+77051239876"]), label="phone"),
        "category": data.draw(st.sampled_from([category, "heating", ""]), label="category"),
        "address": address,
        "latitude": data.draw(st.sampled_from([latitude, "54.872", ""]), label="lat"),
        "longitude": data.draw(st.sampled_from([longitude, "69.145", ""]), label="lon"),
        "name": data.draw(form_text, label="name"),
    }
    response = Client(HTTP_HOST="petropavlovsk.localhost").post("/appeal/", form, REMOTE_ADDR=client)
    body = assert_clean(response)
    if response.status_code in (200, 201):
        assert 'id="receipt-number"' in body
    else:
        assert response.status_code in (400, 429) and page_code(body) in PORTAL_CODES, body[-800:]


@FUZZ
@given(
    body=raw_bytes,
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=B"]
    ),
)
def test_the_portal_answers_any_body_with_a_typed_4xx(anonymous_client, body, content_type):
    response = anonymous_client.generic("POST", "/appeal/", body, content_type=content_type)
    assert response.status_code in (400, 429) and page_code(assert_clean(response)) in PORTAL_CODES
