"""Issue 11: a 112 centre's CAD callback (`POST /api/112/cad/<centre>/status/`) answers any body and
any headers with a typed 4xx (`{"error": {"code": ...}}`), never a 500 nor the database's words, also
when the body is correctly signed (a CAD is an outside party: its bugs must not become ours)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from federation.emergency_112.models import Incident, IncidentState
from testkit.cad_stub import CadStub, hmac_v1
from tests.appeals.fuzz_support import FUZZ, form_text, hostile_text, json_codes, json_value, raw_bytes
from tests.federation.emergency_112.conftest import make_centre
from tests.federation.emergency_112.test_inbox_views import receive

STATUSES = ["Active", "ResourcesAssigned", "ResourcesEnroute", "ResourcesOnscene", "Closed", "Cancelled"]
TIMES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-12-05T10:00:00+00:00",
    "2026-12-05T10:00:00Z",
    "2026-02-30T10:00:00+05:00",
]
CAD_CODES_FOR_SUCCESS = {"applied", "incidentId", "state"}


@pytest.fixture
def cad(tenants) -> CadStub:
    return CadStub(secret="cad-secret-fuzz-0123456789")  # its signing only; no server


@pytest.fixture
def incident(cad, document_for) -> Incident:
    make_centre(cad, slug="sko-112-fuzz")
    return receive(document_for)


def post(body: bytes, headers: dict[str, str]) -> object:
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return Client(HTTP_HOST="localhost").post(
        "/api/112/cad/sko-112-fuzz/status/", data=body, content_type="application/json", **extra
    )


def assert_typed(response: object) -> None:
    codes = json_codes(response)  # below 500, nothing leaked
    if response.status_code == 200:
        assert set(response.json()) == CAD_CODES_FOR_SUCCESS
    else:
        assert response.status_code in (400, 401, 404, 409, 413) and len(codes) == 1, response.content


def test_a_note_with_a_nul_byte_is_refused_typed_and_changes_nothing(cad, incident):
    body, headers = cad.status_callback(incident.eido_id, "Cancelled", notesActionComments="Не ЧС\x00")
    response = post(body, headers)
    assert response.status_code == 400 and json_codes(response) == ["invalid_characters"]
    assert response.json()["error"]["errors"][0]["path"] == "/statusUpdate/notesActionComments"
    incident.refresh_from_db()
    assert incident.state == IncidentState.RECEIVED


def test_a_timestamp_of_other_scripts_digits_is_refused_typed(cad, incident):
    body, headers = cad.status_callback(incident.eido_id, "Active", acknowledged=True)
    response = post(body, {**headers, "X-Ikomek-Timestamp": "¹⁷⁰⁰⁰⁰⁰⁰⁰⁰"})
    assert response.status_code == 401 and json_codes(response) == ["timestamp_invalid"]


@pytest.mark.parametrize("stamp", TIMES)
def test_a_status_time_at_the_edges_of_the_calendar_is_answered_typed(cad, incident, stamp):
    body, headers = cad.status_callback(
        incident.eido_id, "Active", acknowledged=True, lastUpdateTimeStamp=stamp
    )
    response = post(body, headers)
    assert_typed(response)
    incident.refresh_from_db()
    assert incident.state == (
        IncidentState.ACKNOWLEDGED if response.status_code == 200 else IncidentState.RECEIVED
    )


@FUZZ
@given(
    status=st.one_of(st.sampled_from(STATUSES), hostile_text),
    acknowledged=st.one_of(st.booleans(), st.booleans(), json_value),  # mostly what the schema wants
    unit=st.one_of(hostile_text, st.just("ПЧ-2 АЦ-40")),
    note=hostile_text,
    agent=hostile_text,
    stamp=st.one_of(st.sampled_from(TIMES), hostile_text),
    incident_id=st.one_of(st.none(), st.none(), hostile_text),  # None: the real incident
)
def test_any_signed_status_update_is_answered_typed(
    cad, incident, status, acknowledged, unit, note, agent, stamp, incident_id
):
    body, headers = cad.status_callback(
        incident_id if incident_id is not None else incident.eido_id,
        status,
        acknowledged=acknowledged,
        emergencyResourceName=unit,
        notesActionComments=note,
        agentName=agent,
        lastUpdateTimeStamp=stamp,
    )
    assert_typed(post(body, headers))


@FUZZ
@given(body=st.one_of(raw_bytes, json_value.map(lambda v: json.dumps({"statusUpdate": v}).encode())))
def test_any_signed_body_is_answered_typed(cad, incident, body):
    stamp, message_id = str(int(time.time())), str(uuid.uuid4())
    headers = {
        "X-Ikomek-Signature": hmac_v1(cad.secret, stamp, body),
        "X-Ikomek-Timestamp": stamp,
        "X-Ikomek-Message-Id": message_id,
    }
    assert_typed(post(body, headers))


@FUZZ
@given(
    signature=form_text,
    stamp=st.one_of(form_text, st.sampled_from(["²", "9" * 40, "-1", " 1700000000"])),
    message_id=form_text,
    which=st.sampled_from(["signature", "stamp", "message_id"]),
)
def test_any_headers_are_answered_typed(cad, incident, signature, stamp, message_id, which):
    body, headers = cad.status_callback(incident.eido_id, "Active", acknowledged=True)
    name = {
        "signature": "X-Ikomek-Signature",
        "stamp": "X-Ikomek-Timestamp",
        "message_id": "X-Ikomek-Message-Id",
    }
    value = {"signature": signature, "stamp": stamp, "message_id": message_id}[which]
    assert_typed(post(body, {**headers, name[which]: value.replace("\n", "").replace("\r", "")}))
