"""Documents to an external CAD: federation messages, signed, classified, retried, never lost, never
doubled at the CAD.

The CAD is a real HTTP server on loopback (testkit/cad_stub.py); the slow tests run real
Celery worker and beat processes against the test database and broker.
"""

from __future__ import annotations

import json
import os
import signal

import pytest
from django.utils import timezone

from federation.emergency_112 import watchdog
from federation.emergency_112.actions import receive_incident
from federation.emergency_112.cad_outbox import CadRefused, CadUnavailable, deliver_to_cad, encode
from federation.emergency_112.cad_sender import Verdict, classify, send_document
from federation.emergency_112.documents import read_request_for_service
from federation.emergency_112.models import (
    AlarmKind,
    AlarmRecipient,
    EmergencyCentre,
    Incident,
    IncidentAlarm,
    IncidentState,
)
from federation.messaging.handlers import Envelope
from federation.messaging.models import EventKind, Message, MessageState
from testkit.cad_stub import CadStub
from testkit.processes import celery_beat, celery_worker, free_port, wait_until
from tests.federation.emergency_112.conftest import WORKER_ENV, make_centre, outbox, statuses_sent
from tests.federation.emergency_112.test_inbox_views import post_status


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, Verdict.DELIVERED),
        (202, Verdict.DELIVERED),
        (400, Verdict.DEAD),
        (401, Verdict.DEAD),
        (404, Verdict.DEAD),
        (422, Verdict.DEAD),
        (408, Verdict.RETRY),
        (429, Verdict.RETRY),
        (500, Verdict.RETRY),
        (503, Verdict.RETRY),
        (302, Verdict.RETRY),
    ],
)
def test_http_status_classification(status, verdict):
    assert classify(status) == verdict


@pytest.mark.parametrize(("mode", "status", "verdict"), [("ok", 200, "delivered"), ("error", 500, "retry")])
def test_send_document_reaches_a_real_server_signed(cad_stub, mode, status, verdict):
    cad_stub.mode = mode
    outcome = send_document(
        endpoint_url=cad_stub.url, secret=cad_stub.secret, body=b'{"a":1}', message_id="m-1"
    )
    assert (outcome.status_code, outcome.verdict) == (status, verdict)
    (received,) = cad_stub.requests
    assert received.signature_ok and received.message_id == "m-1"


def test_connection_refused_and_timeouts_are_retried(settings):
    settings.EMERGENCY_CAD_READ_TIMEOUT_SECONDS = 0.3
    refused = send_document(
        endpoint_url=f"http://127.0.0.1:{free_port()}/eido", secret="s", body=b"{}", message_id="m"
    )
    assert refused.verdict == Verdict.RETRY and refused.status_code is None and "connection" in refused.detail
    slow = CadStub(secret="s", mode="hang", hang_seconds=2).start()
    try:
        timed_out = send_document(endpoint_url=slow.url, secret="s", body=b"{}", message_id="m")
    finally:
        slow.stop()
    assert timed_out.verdict == Verdict.RETRY and "timeout" in timed_out.detail


# ------------------------------------------------------------------ the handler, in this process
def envelope_of(message: Message, attempt: int = 1) -> Envelope:
    return Envelope(
        message_id=message.pk,
        kind=message.kind,
        schema_version=message.schema_version,
        source_schema=message.source_schema,
        target_schema=message.target_schema,
        ordering_key=message.ordering_key,
        sequence=message.sequence,
        payload=message.payload,
        attempt=attempt,
        created_at=message.created_at,
    )


def queued_for_cad(document_for, stub: CadStub, **centre: object) -> tuple[Incident, Message, dict]:
    make_centre(stub, **centre)
    document = document_for()
    incident = receive_incident(document, source_schema="petropavlovsk")
    (message,) = outbox("emergency_112.cad")
    return incident, message, document


def test_the_handler_posts_the_exact_document_signed(tenants, cad_stub, document_for):
    _incident, message, document = queued_for_cad(document_for, cad_stub)
    deliver_to_cad(envelope_of(message))
    (received,) = cad_stub.requests
    message_id = document["requestForService"]["messageId"]
    assert received.signature_ok and received.message_id == message_id
    assert received.body == encode(document) and cad_stub.documents[message_id] == document


def test_a_wrong_secret_is_refused_by_the_cad_for_good(tenants, cad_stub, document_for):
    _incident, message, _ = queued_for_cad(document_for, cad_stub, secret="not-what-the-cad-knows")
    with pytest.raises(CadRefused) as caught:
        deliver_to_cad(envelope_of(message))
    assert "401" in str(caught.value)
    assert cad_stub.requests[0].signature_ok is False and cad_stub.documents == {}


@pytest.mark.parametrize(
    ("mode", "status", "error"),
    [("error", 500, CadUnavailable), ("status", 429, CadUnavailable), ("status", 422, CadRefused)],
)
def test_answers_are_retried_or_refused_for_good(tenants, cad_stub, document_for, mode, status, error):
    _incident, message, _ = queued_for_cad(document_for, cad_stub)
    cad_stub.mode, cad_stub.fixed_status = mode, status
    with pytest.raises(error) as caught:
        deliver_to_cad(envelope_of(message))
    assert str(status) in str(caught.value)


def test_plain_http_endpoints_are_refused_when_not_allowed(tenants, cad_stub, document_for, settings):
    _incident, message, _ = queued_for_cad(document_for, cad_stub)
    settings.EMERGENCY_CAD_ALLOW_PLAIN_HTTP = False  # as in production
    with pytest.raises(CadRefused) as caught:
        deliver_to_cad(envelope_of(message))
    assert "https" in str(caught.value)
    assert cad_stub.requests_started == 0  # nothing left the platform


def test_a_centre_that_stopped_its_cad_refuses_what_is_still_queued(tenants, cad_stub, document_for):
    _incident, message, _ = queued_for_cad(document_for, cad_stub)
    EmergencyCentre.objects.update(runs_own_cad=False, endpoint_url="", secret="")
    with pytest.raises(CadRefused, match="no longer runs an active CAD"):
        deliver_to_cad(envelope_of(message))


def test_a_dead_cad_message_raises_the_duty_officers_alarm_once(tenants, cad_stub, document_for):
    incident, message, _ = queued_for_cad(document_for, cad_stub)
    assert watchdog.raise_cad_alarms() == []  # pending is not dead
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.DEAD, dead_at=timezone.now(), last_error="CadRefused: CAD sko: 422 bad document"
    )
    (alarm,) = watchdog.raise_cad_alarms()
    assert (alarm.incident_id, alarm.kind, alarm.recipient) == (
        incident.pk,
        AlarmKind.CAD_UNDELIVERABLE,
        AlarmRecipient.DUTY_OFFICER_112,
    )
    assert "422 bad document" in alarm.message
    assert watchdog.raise_cad_alarms() == []
    # Replayed and delivered later: the alarm is over.
    deliver_to_cad(envelope_of(message))
    alarm.refresh_from_db()
    assert alarm.resolved_at is not None


# ------------------------------------------------------------------ real worker processes
def cad_message(incident: Incident) -> Message:
    return Message.objects.get(kind="emergency_112.cad", payload__incident=incident.pk)


@pytest.mark.slow
def test_round_trip_build_sign_deliver_verify_callback_state(
    committed_112, onboarded, document_for, cad_stub, tmp_path
):
    """build -> validate -> sign -> the CAD verifies -> the CAD calls back -> the incident moves."""
    make_centre(cad_stub, slug="sko-112")
    document = document_for(services=("101", "103"))
    with celery_worker(tmp_path / "worker.log", env=WORKER_ENV):
        incident = receive_incident(document, source_schema="petropavlovsk")
        assert wait_until(lambda: cad_message(incident).state == MessageState.DELIVERED, timeout=30), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
    message_id = document["requestForService"]["messageId"]
    (received,) = cad_stub.requests
    assert received.signature_ok and received.message_id == message_id
    # The CAD got exactly the document that was forwarded, valid against the schema.
    assert cad_stub.documents[message_id] == document
    assert read_request_for_service(json.loads(received.body)).eido_id == incident.eido_id
    for status, extra in [
        ("Active", {"acknowledged": True}),
        ("ResourcesAssigned", {"emergencyResourceName": "ПЧ-1, СМП-7"}),
        ("ResourcesOnscene", {}),
        ("Closed", {}),
    ]:
        assert post_status(*cad_stub.status_callback(incident.eido_id, status, **extra)).status_code == 200
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED and incident.unit == "ПЧ-1, СМП-7"
    assert statuses_sent(incident)[-1]["registryStatus"] == "Closed"


@pytest.mark.slow
def test_cad_down_then_500_then_recovered_gets_exactly_one_document(
    committed_112, onboarded, document_for, cad_stub, tmp_path
):
    make_centre(cad_stub)
    cad_stub.stop()  # down: connections refused on its port
    document = document_for()
    message_id = document["requestForService"]["messageId"]
    log = tmp_path / "worker.log"
    with celery_worker(log, env=WORKER_ENV):
        incident = receive_incident(document, source_schema="petropavlovsk")
        assert wait_until(lambda: cad_message(incident).attempts >= 2, timeout=30), log.read_text()[-3000:]
        assert "connection" in cad_message(incident).last_error
        cad_stub.mode = "error"
        cad_stub.start()
        assert wait_until(lambda: any(r.answered == 500 for r in cad_stub.requests), timeout=30)
        assert wait_until(lambda: "500" in cad_message(incident).last_error, timeout=10)
        cad_stub.mode = "ok"
        assert wait_until(lambda: cad_message(incident).state == MessageState.DELIVERED, timeout=30), (
            log.read_text()[-3000:]
        )
    message = cad_message(incident)
    # At least: refused, 500, delivered (an attempt claimed while the CAD was down may reach it
    # once it is up again, so the count of refused attempts is not fixed).
    assert message.attempts >= 3 and message.outcome == "applied"
    retries = list(message.events.filter(event=EventKind.RETRY_SCHEDULED).values_list("error", flat=True))
    assert any("connection" in error for error in retries) and any("500" in error for error in retries)
    assert list(cad_stub.documents) == [message_id]  # one document, no loss, no duplicate
    assert [r.answered for r in cad_stub.requests if r.answered == 200] == [200]


@pytest.mark.slow
def test_worker_killed_mid_delivery_is_recovered_by_the_next_worker(
    committed_112, onboarded, document_for, cad_stub, tmp_path
):
    make_centre(cad_stub)
    cad_stub.mode, cad_stub.hang_seconds = "hang", 6
    document = document_for()
    message_id = document["requestForService"]["messageId"]
    log = tmp_path / "worker.log"
    with celery_worker(log, env=WORKER_ENV) as first:
        incident = receive_incident(document, source_schema="petropavlovsk")
        # The worker is inside the HTTP request, its delivery transaction open, when it is killed.
        assert wait_until(lambda: cad_stub.requests_started >= 1, timeout=30), log.read_text()[-2000:]
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    message = cad_message(incident)
    assert (message.state, message.attempts) == (MessageState.DELIVERING, 1)  # nothing recorded as sent
    cad_stub.mode = "ok"
    # The kick died with the worker; a new worker sweeps when it starts (beat would too).
    with (
        celery_worker(log, env=WORKER_ENV),
        celery_beat(tmp_path, env=WORKER_ENV),
    ):
        assert wait_until(lambda: cad_message(incident).state == MessageState.DELIVERED, timeout=40), (
            log.read_text()[-3000:]
        )
    # The CAD saw the same message id twice (the killed attempt reached it) and kept one document.
    assert list(cad_stub.documents) == [message_id]
    assert {r.message_id for r in cad_stub.requests} == {message_id}
    message = cad_message(incident)
    assert message.attempts == 2
    assert message.events.get(event=EventKind.WORKER_LOST).attempt == 1


@pytest.mark.slow
def test_a_refused_document_is_a_dead_letter_and_the_beat_alarms_the_duty_officer(
    committed_112, onboarded, document_for, cad_stub, tmp_path
):
    make_centre(cad_stub)
    cad_stub.mode, cad_stub.fixed_status = "status", 422
    env = {"EMERGENCY_ACK_TIMEOUT_SECONDS": "3600"}  # only the CAD alarm here
    with (
        celery_worker(tmp_path / "worker.log", env=WORKER_ENV | env),
        celery_beat(tmp_path, env=WORKER_ENV | env),
    ):
        incident = receive_incident(document_for(), source_schema="petropavlovsk")
        assert wait_until(
            lambda: IncidentAlarm.objects.filter(
                incident=incident, kind=AlarmKind.CAD_UNDELIVERABLE
            ).exists(),
            timeout=40,
        ), (tmp_path / "worker.log").read_text()[-3000:]
    message = cad_message(incident)
    assert (message.state, message.attempts) == (MessageState.DEAD, 1)  # a 4xx is not retried
    assert "422" in message.last_error
    (alarm,) = IncidentAlarm.objects.filter(incident=incident, kind=AlarmKind.CAD_UNDELIVERABLE)
    assert alarm.recipient == AlarmRecipient.DUTY_OFFICER_112 and "422" in alarm.message


def test_cad_messages_stay_with_their_sender(tenants, document_for):
    """`emergency_112.cad` is a SELF kind: the region sends it to itself (its handler calls out)."""
    from django.db import transaction

    from federation.messaging.errors import FederationError
    from federation.messaging.outbox import send

    make_centre(runs_own_cad=True, endpoint_url="http://127.0.0.1:9/eido", secret="z" * 32)
    receive_incident(document_for(), source_schema="petropavlovsk")
    (queued,) = outbox("emergency_112.cad")
    with pytest.raises(FederationError) as caught, transaction.atomic():
        send("emergency_112.cad", queued.payload, target="petropavlovsk")
    assert (caught.value.field, caught.value.code) == ("target", "not_accepted")
    assert "only by its sender" in caught.value.message
