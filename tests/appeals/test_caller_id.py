"""Caller ID: the exchange reports a call with the akimat's own shared secret; the call is recorded
once per exchange call id; bad requests get a 4xx with a reason."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import tenant_context

from appeals.actions.telephony import set_exchange_secret
from appeals.models import IncomingCall
from tests.appeals.conftest import intake

SECRET = "petropavlovsk-exchange-secret-for-tests"


def post(
    body: object, secret: str | None = SECRET, host: str = "petropavlovsk.localhost", raw: bytes | None = None
):
    headers = {"HTTP_X_EXCHANGE_SECRET": secret} if secret else {}
    return Client(HTTP_HOST=host).post(
        "/telephony/incoming-call",
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def exchange(tenants):
    with tenant_context(tenants["petropavlovsk"]):
        set_exchange_secret("exchange", SECRET)
    return tenants["petropavlovsk"]


def test_a_reported_call_is_recorded_with_the_callers_earlier_appeals(exchange):
    with tenant_context(exchange):
        intake(phone="+77051112233")
        intake(phone="+77051112233")
    response = post({"caller": "8 705 111 22 33", "callId": "pbx-1", "line": "109"})
    assert response.status_code == 201
    assert response.json() | {"id": 0} == {
        "id": 0,
        "phone": "+77051112233",
        "phoneValid": True,
        "earlierAppeals": 2,
    }
    with tenant_context(exchange):
        call = IncomingCall.objects.get(exchange_call_id="pbx-1")
        assert (call.phone, call.line) == ("+77051112233", "109")


def test_the_exchange_retrying_records_the_call_once(exchange):
    assert post({"caller": "+77051112233", "callId": "pbx-2"}).status_code == 201
    again = post({"caller": "+77051112233", "callId": "pbx-2"})
    assert again.status_code == 200
    with tenant_context(exchange):
        assert IncomingCall.objects.filter(exchange_call_id="pbx-2").count() == 1


def test_an_unreadable_number_is_kept_as_sent(exchange):
    response = post({"caller": "anonymous"})
    assert response.status_code == 201 and response.json()["phoneValid"] is False
    with tenant_context(exchange):
        assert IncomingCall.objects.get(pk=response.json()["id"]).phone == "anonymous"


@pytest.mark.parametrize(
    ("secret", "status", "code"),
    [(None, 401, "unauthorised"), ("wrong-secret-wrong-secret", 401, "unauthorised")],
)
def test_without_the_secret_nothing_is_recorded(exchange, secret, status, code):
    response = post({"caller": "+77051112233"}, secret=secret)
    assert response.status_code == status and response.json()["errors"][0]["code"] == code
    with tenant_context(exchange):
        assert not IncomingCall.objects.exists()


def test_one_akimats_secret_opens_no_other_akimat(exchange, tenants):
    response = post({"caller": "+77051112233"}, host="esil.localhost")
    assert response.status_code == 401
    with tenant_context(tenants["esil"]):
        assert not IncomingCall.objects.exists()


@pytest.mark.parametrize(
    ("raw", "code"),
    [(b"{not json", "invalid_json"), (b'{"line": "109"}', "required"), (b"[1, 2]", "required")],
)
def test_bad_bodies_get_a_reason(exchange, raw, code):
    response = post(None, raw=raw)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == code


def test_only_post(exchange):
    assert Client(HTTP_HOST="petropavlovsk.localhost").get("/telephony/incoming-call").status_code == 405


def test_the_command_sets_a_secret_that_works(tenants, capsys):
    call_command("set_exchange_secret", "esil", "--secret", "esil-secret-0123456789")
    assert "esil-secret-0123456789" in capsys.readouterr().out
    assert (
        post({"caller": "+77051112233"}, secret="esil-secret-0123456789", host="esil.localhost").status_code
        == 201
    )


@pytest.mark.parametrize(("field", "limit"), [("caller", 32), ("callId", 100), ("line", 40)])
def test_a_text_longer_than_its_column_is_refused_never_cut(exchange, field, limit):
    body = {"caller": "+77051112233", "callId": "pbx-long", "line": "109"}
    response = post(body | {field: "7" * (limit + 1)})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, "too_long")]
    assert str(limit) in response.json()["errors"][0]["message"]
    with tenant_context(exchange):
        assert not IncomingCall.objects.exists()
    assert post(body | {field: "7" * limit}).status_code == 201
    with tenant_context(exchange):
        stored = IncomingCall.objects.get()
        assert {"caller": stored.phone, "callId": stored.exchange_call_id, "line": stored.line}[field] == (
            "7" * limit
        )
