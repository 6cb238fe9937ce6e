"""The 112 register's JSON feed and the signed CAD status endpoint on the regional host (the
dispatchers' page and its steps: tests/consoles/dispatch112/)."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from federation.emergency_112.actions import receive_incident, reject_incident
from federation.emergency_112.centres import RotationRefused, rotate_secret
from federation.emergency_112.documents import Priority
from federation.emergency_112.models import EmergencyCentre, Incident, IncidentEvent, IncidentState
from testkit.cad_stub import CadStub, hmac_v1
from testkit.queries import exact_queries
from tests.federation.emergency_112.conftest import client_for, make_centre, statuses_sent

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def browser(tenants) -> Client:
    return client_for("aida", "dispatcher_112")


def receive(document_for, **overrides: object) -> Incident:
    return receive_incident(document_for(**overrides), source_schema="petropavlovsk")


def test_anonymous_and_other_roles_are_refused_with_a_reason(tenants):
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get("/112/incidents.json").status_code == 401
    response = client_for("op", "operator").get("/112/incidents.json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "112" in response.json()["error"]["message"]  # the action in words, not the permission's code


def test_the_feed_is_not_served_on_a_tenant_host(tenants):
    assert Client(HTTP_HOST="petropavlovsk.localhost").get("/112/incidents.json").status_code == 404


def test_feed_orders_open_incidents_by_priority_then_longest_waiting(browser, document_for, dispatcher):
    low = receive(document_for, appeal_number="LOW", priority=Priority.LOW)
    high_old = receive(document_for, appeal_number="HIGH-OLD", priority=Priority.HIGHEST)
    high_new = receive(document_for, appeal_number="HIGH-NEW", priority=Priority.HIGHEST)
    done = receive(document_for, appeal_number="DONE", priority=Priority.HIGHEST)
    Incident.objects.filter(pk=high_old.pk).update(received_at=timezone.now() - timedelta(minutes=5))
    reject_incident(dispatcher, done.pk, note="ложный вызов")
    incidents = browser.get("/112/incidents.json").json()["incidents"]
    assert [i["appeal_number"] for i in incidents] == ["HIGH-OLD", "HIGH-NEW", "LOW", "DONE"]
    first = incidents[1]
    assert first["is_new"] is True and first["allowed"] == ["acknowledged", "rejected"]
    assert first["received_at"].endswith("+05:00")
    assert first["services"] == [{"code": "101", "kk": "Өрт сөндіру қызметі", "ru": "Пожарная служба"}]
    assert incidents[-1]["allowed"] == [] and incidents[-1]["rejection_note"] == "ложный вызов"
    assert low.pk in [i["id"] for i in incidents]
    assert high_new.pk == first["id"]
    feed = browser.get("/112/incidents.json").json()
    assert (feed["open_count"], feed["page"], feed["page_size"]) == (3, 1, 50)
    assert feed["alarm_counts"] == {"not_acknowledged": 0, "cad_undeliverable": 0}
    assert [i["appeal_number"] for i in browser.get("/112/incidents.json?page=2").json()["incidents"]] == [
        "DONE"
    ]  # past the open ones: only the finished list
    bad = browser.get("/112/incidents.json?page=zero")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "page"


# session, user, roles; the open incidents' page and their count, the finished ones (each with its
# alarms in the same statement); the alarms counted, the duty officer's alarms
FEED_QUERIES = 8


def test_feed_query_count_does_not_grow_with_incidents(browser, document_for):
    receive(document_for)
    browser.get("/112/incidents.json")  # warm: session and user loaded once per request anyway
    with exact_queries(FEED_QUERIES):
        assert len(browser.get("/112/incidents.json").json()["incidents"]) == 1
    for _ in range(12):
        receive(document_for)
    with exact_queries(FEED_QUERIES):
        response = browser.get("/112/incidents.json")
    assert len(response.json()["incidents"]) == 13


# ------------------------------------------------------------------ CAD status callbacks
@pytest.fixture
def cad(tenants) -> CadStub:
    return CadStub(secret="cad-secret-0123456789")  # only its signing is used here; no server needed


@pytest.fixture
def cad_incident(cad, document_for) -> Incident:
    make_centre(cad, slug="sko-112")
    return receive(document_for)


def post_status(body: bytes, headers: dict, slug: str = "sko-112"):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return Client(HTTP_HOST="localhost").post(
        f"/api/112/cad/{slug}/status/", data=body, content_type="application/json", **extra
    )


def test_signed_status_callbacks_move_the_incident(cad, cad_incident):
    steps = [
        ("Active", {"acknowledged": True}, "acknowledged"),
        ("ResourcesEnroute", {"emergencyResourceName": "ПЧ-2 АЦ-40"}, "dispatched"),
        ("ResourcesOnscene", {}, "on_scene"),
        ("Closed", {"notesActionComments": "Пожар потушен", "agentName": "Диспетчер Ким"}, "closed"),
    ]
    for status, extra, state in steps:
        response = post_status(*cad.status_callback(cad_incident.eido_id, status, **extra))
        assert response.status_code == 200, response.content
        assert response.json() == {"applied": True, "incidentId": cad_incident.eido_id, "state": state}
    cad_incident.refresh_from_db()
    assert cad_incident.unit == "ПЧ-2 АЦ-40"
    last = IncidentEvent.objects.filter(incident=cad_incident).last()
    assert last.note == "Пожар потушен (Диспетчер Ким)" and last.actor_subject == "cad:sko-112"
    assert [status["registryStatus"] for status in statuses_sent(cad_incident)] == [
        "Active",
        "Active",
        "ResourcesAssigned",
        "ResourcesOnscene",
        "Closed",
    ]


def test_cancelled_by_the_cad_rejects_with_its_note(cad, cad_incident):
    body, headers = cad.status_callback(cad_incident.eido_id, "Cancelled", notesActionComments="Не ЧС")
    assert post_status(body, headers).json()["state"] == "rejected"
    cad_incident.refresh_from_db()
    assert cad_incident.rejection_note == "Не ЧС"


def test_a_repeated_status_is_accepted_without_a_new_event(cad, cad_incident):
    post_status(*cad.status_callback(cad_incident.eido_id, "Active", acknowledged=True))
    response = post_status(*cad.status_callback(cad_incident.eido_id, "Active", acknowledged=True))
    assert response.status_code == 200 and response.json()["applied"] is False
    assert IncidentEvent.objects.filter(incident=cad_incident).count() == 2


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda cad, eid: cad.status_callback(eid, "ResourcesOnscene"), 409, "illegal_transition"),
        (
            lambda cad, eid: CadStub(secret="wrong").status_callback(eid, "Active", acknowledged=True),
            401,
            "signature_invalid",
        ),
        (
            lambda cad, eid: cad.status_callback(
                eid, "Active", acknowledged=True, timestamp=time.time() - 900
            ),
            401,
            "timestamp_stale",
        ),
        (lambda cad, eid: cad.status_callback(eid, "OnFire"), 400, "schema_invalid"),
        (lambda cad, eid: cad.status_callback(eid, "ResourcesAssigned"), 400, "schema_invalid"),
        (
            lambda cad, eid: cad.status_callback(
                eid.replace("petropavlovsk", "esil"), "Active", acknowledged=True
            ),
            404,
            "not_found",
        ),
        (lambda cad, eid: cad.status_callback(eid, "Active"), 400, "emergency_error"),
        (lambda cad, eid: (b"{}", {}), 401, "signature_missing"),
    ],
)
def test_bad_callbacks_get_a_clear_4xx(cad, cad_incident, make, status, code):
    body, headers = make(cad, cad_incident.eido_id)
    response = post_status(body, headers)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    cad_incident.refresh_from_db()
    assert cad_incident.state == IncidentState.RECEIVED


def test_schema_errors_name_the_path(cad, cad_incident):
    body, headers = cad.status_callback(cad_incident.eido_id, "ResourcesAssigned", emergencyResourceName="")
    error = post_status(body, headers).json()["error"]
    assert error["errors"][0]["path"] == "/statusUpdate/emergencyResourceName"


def test_a_replayed_callback_is_refused(cad, cad_incident):
    body, headers = cad.status_callback(cad_incident.eido_id, "Active", acknowledged=True)
    assert post_status(body, headers).status_code == 200
    replay = post_status(body, headers)
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "replayed"


def test_the_message_id_header_must_match_the_body(cad, cad_incident):
    body, _headers = cad.status_callback(cad_incident.eido_id, "Active", acknowledged=True)
    stamp = str(int(time.time()))
    headers = {
        "X-Ikomek-Signature": hmac_v1(cad.secret, stamp, body),  # a valid signature over the body
        "X-Ikomek-Timestamp": stamp,
        "X-Ikomek-Message-Id": str(uuid.uuid4()),  # but another id than the body's
    }
    response = post_status(body, headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == "message_id_mismatch"


def test_unknown_centre_and_wrong_method(cad, cad_incident):
    body, headers = cad.status_callback(cad_incident.eido_id, "Active", acknowledged=True)
    assert post_status(body, headers, slug="nowhere").json()["error"]["code"] == "unknown_centre"
    assert Client(HTTP_HOST="localhost").get("/api/112/cad/sko-112/status/").status_code == 405


# ------------------------------------------------------------------ rotating the CAD's secret
def test_a_rotated_secret_overlaps_then_the_old_one_is_refused(cad, cad_incident):
    out = StringIO()
    call_command("rotate_cad_secret", "sko-112", "--overlap-hours", "1", stdout=out)
    new_secret = re.search(r"new secret (\S+)", out.getvalue()).group(1)
    centre = EmergencyCentre.objects.get(slug="sko-112")
    assert (centre.secret, centre.previous_secret) == (new_secret, cad.secret)
    # During the overlap the CAD may sign with either.
    old = post_status(*cad.status_callback(cad_incident.eido_id, "Active", acknowledged=True))
    assert old.status_code == 200, old.content
    renewed = CadStub(secret=new_secret)
    moved = post_status(
        *renewed.status_callback(cad_incident.eido_id, "ResourcesEnroute", emergencyResourceName="ПЧ-3")
    )
    assert moved.status_code == 200 and moved.json()["state"] == "dispatched"
    # What iKOMEK sends is signed with the new one only.
    assert centre.accepted_secrets(timezone.now())[0] == new_secret
    # The overlap over: the old secret is refused, the new one still passes.
    EmergencyCentre.objects.filter(pk=centre.pk).update(previous_secret_until=timezone.now())
    late = post_status(*cad.status_callback(cad_incident.eido_id, "ResourcesOnscene"))
    assert late.status_code == 401 and late.json()["error"]["code"] == "signature_invalid"
    assert post_status(*renewed.status_callback(cad_incident.eido_id, "ResourcesOnscene")).status_code == 200


def test_a_rotation_is_refused_with_its_reason(cad, cad_incident):
    with pytest.raises(CommandError, match="no 112 centre 'nowhere'"):
        call_command("rotate_cad_secret", "nowhere", stdout=StringIO())
    with pytest.raises(RotationRefused, match="at least 32 characters"):
        rotate_secret("sko-112", overlap=timedelta(hours=1), new_secret="short")
    chosen = "k" * 40
    rotate_secret("sko-112", overlap=timedelta(0), new_secret=chosen)
    centre = EmergencyCentre.objects.get(slug="sko-112")
    assert (centre.secret, centre.previous_secret, centre.previous_secret_until) == (chosen, "", None)
    with pytest.raises(RotationRefused, match="the current one"):
        rotate_secret("sko-112", overlap=timedelta(hours=1), new_secret=chosen)
