"""Documents to an external CAD: signed, classified, retried, never lost, never doubled at the CAD.

The CAD is a real HTTP server on loopback (tests/support/cad_stub.py); the slow tests run real
Celery worker and beat processes against the test database and broker.
"""

from __future__ import annotations

import json
import os
import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from federation.emergency_112.actions import receive_incident
from federation.emergency_112.cad_delivery import deliver_due, deliver_one
from federation.emergency_112.cad_sender import Verdict, classify, send_document
from federation.emergency_112.documents import read_request_for_service
from federation.emergency_112.models import (
    AlarmKind,
    CadDelivery,
    DeliveryStatus,
    Incident,
    IncidentAlarm,
    IncidentState,
    OutgoingStatus,
)
from tests.emergency_112.conftest import beat_command, celery_process, make_centre, worker_command
from tests.emergency_112.test_inbox_views import post_status
from tests.support.cad_stub import CadStub
from tests.support.processes import free_port, wait_until


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


def test_a_wrong_secret_is_refused_by_the_cad_and_goes_dead_with_an_alarm(tenants, cad_stub, document_for):
    make_centre(cad_stub, secret="not-what-the-cad-knows")
    incident = receive_incident(document_for(), source_schema="petropavlovsk")
    delivery = deliver_one()
    assert delivery.status == DeliveryStatus.DEAD and delivery.last_status_code == 401
    assert cad_stub.requests[0].signature_ok is False and cad_stub.documents == {}
    alarm = IncidentAlarm.objects.get(incident=incident, kind=AlarmKind.CAD_UNDELIVERABLE)
    assert alarm.recipient == "duty_officer_112" and "401" in alarm.message


def test_retry_is_scheduled_with_backoff_and_nothing_is_sent_before_it(
    tenants, cad_stub, document_for, settings
):
    settings.EMERGENCY_CAD_BACKOFF_BASE_SECONDS = 30
    make_centre(cad_stub)
    receive_incident(document_for(), source_schema="petropavlovsk")
    cad_stub.mode = "error"
    before = timezone.now()
    delivery = deliver_one()
    assert (
        delivery.status == DeliveryStatus.PENDING
        and delivery.attempts == 1
        and delivery.last_status_code == 500
    )
    assert (
        before + timedelta(seconds=23) <= delivery.next_attempt_at <= timezone.now() + timedelta(seconds=37)
    )
    assert deliver_due() == {"delivered": 0, "retry": 0, "dead": 0}  # not due yet
    assert len(cad_stub.requests) == 1


def test_a_document_rejected_as_unprocessable_is_dead_at_once(tenants, cad_stub, document_for):
    make_centre(cad_stub)
    receive_incident(document_for(), source_schema="petropavlovsk")
    cad_stub.mode, cad_stub.fixed_status = "status", 422
    assert deliver_one().status == DeliveryStatus.DEAD


def test_plain_http_endpoints_are_refused_when_not_allowed(tenants, cad_stub, document_for, settings):
    settings.EMERGENCY_CAD_ALLOW_PLAIN_HTTP = False  # as in production
    make_centre(cad_stub)
    receive_incident(document_for(), source_schema="petropavlovsk")
    delivery = deliver_one()
    assert delivery.status == DeliveryStatus.DEAD and "https" in delivery.last_error
    assert cad_stub.requests_started == 0  # nothing left the platform


def test_too_many_attempts_end_dead(tenants, cad_stub, document_for, settings):
    settings.EMERGENCY_CAD_MAX_ATTEMPTS = 2
    make_centre(cad_stub)
    receive_incident(document_for(), source_schema="petropavlovsk")
    cad_stub.mode, cad_stub.fixed_status = "status", 429
    assert deliver_one().status == DeliveryStatus.PENDING
    CadDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliver_one().status == DeliveryStatus.DEAD


# ------------------------------------------------------------------ real worker processes
def delivery_of(incident: Incident) -> CadDelivery:
    return CadDelivery.objects.get(incident=incident)


@pytest.mark.slow
def test_round_trip_build_sign_deliver_verify_callback_state(
    committed, onboarded, document_for, cad_stub, tmp_path
):
    """build -> validate -> sign -> the CAD verifies -> the CAD calls back -> the incident moves."""
    make_centre(cad_stub, slug="sko-112")
    document = document_for(services=("101", "103"))
    with celery_process(tmp_path / "worker.log", *worker_command()):
        incident = receive_incident(document, source_schema="petropavlovsk")
        assert wait_until(lambda: delivery_of(incident).status == DeliveryStatus.DELIVERED, timeout=30), (
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
    assert OutgoingStatus.objects.filter(incident=incident).last().registry_status == "Closed"


@pytest.mark.slow
def test_cad_down_then_500_then_recovered_gets_exactly_one_document(
    committed, onboarded, document_for, cad_stub, tmp_path
):
    make_centre(cad_stub)
    cad_stub.stop()  # down: connections refused on its port
    document = document_for()
    message_id = document["requestForService"]["messageId"]
    with celery_process(tmp_path / "worker.log", *worker_command()):
        incident = receive_incident(document, source_schema="petropavlovsk")
        assert wait_until(lambda: delivery_of(incident).attempts >= 2, timeout=30)
        assert "connection" in delivery_of(incident).last_error
        cad_stub.mode = "error"
        cad_stub.start()
        assert wait_until(lambda: any(r.answered == 500 for r in cad_stub.requests), timeout=30)
        assert wait_until(lambda: delivery_of(incident).last_status_code == 500, timeout=10)
        cad_stub.mode = "ok"
        assert wait_until(lambda: delivery_of(incident).status == DeliveryStatus.DELIVERED, timeout=30)
    delivery = delivery_of(incident)
    assert delivery.attempts >= 4 and delivery.last_error == ""
    assert list(cad_stub.documents) == [message_id]  # one document, no loss, no duplicate
    assert [r.answered for r in cad_stub.requests if r.answered == 200] == [200]


@pytest.mark.slow
def test_worker_killed_mid_delivery_is_recovered_by_the_next_worker(
    committed, onboarded, document_for, cad_stub, tmp_path
):
    make_centre(cad_stub)
    cad_stub.mode, cad_stub.hang_seconds = "hang", 6
    document = document_for()
    message_id = document["requestForService"]["messageId"]
    log = tmp_path / "worker.log"
    with celery_process(log, *worker_command()) as first:
        incident = receive_incident(document, source_schema="petropavlovsk")
        # The worker is inside the HTTP request, holding the row lock, when it is killed.
        assert wait_until(lambda: cad_stub.requests_started >= 1, timeout=30), log.read_text()[-2000:]
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    assert delivery_of(incident).status == DeliveryStatus.PENDING  # nothing recorded as sent
    cad_stub.mode = "ok"
    # The kick died with the worker; the beat sweep finds the row due and the new worker sends it.
    with (
        celery_process(log, *worker_command()),
        celery_process(tmp_path / "beat.log", *beat_command(tmp_path)),
    ):
        assert wait_until(lambda: delivery_of(incident).status == DeliveryStatus.DELIVERED, timeout=40), (
            log.read_text()[-3000:]
        )
    assert list(cad_stub.documents) == [message_id]
    assert {r.message_id for r in cad_stub.requests} == {message_id}
    assert delivery_of(incident).attempts == 1  # the killed attempt left no trace in the table
