"""An incident 112 does not acknowledge in time alarms the 109 supervisor and the 112 duty officer, once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from federation.emergency_112 import watchdog
from federation.emergency_112.actions import acknowledge_incident, receive_incident
from federation.emergency_112.models import AlarmKind, AlarmRecipient, Incident, IncidentAlarm
from testkit.concurrency import run_at_once
from testkit.processes import celery_beat, celery_worker, wait_until
from tests.federation.emergency_112.conftest import WORKER_ENV, client_for


def overdue(document_for, seconds: int = 61, slug: str = "petropavlovsk") -> Incident:
    incident = receive_incident(document_for(slug), source_schema=slug)
    Incident.objects.filter(pk=incident.pk).update(
        awaiting_ack_since=timezone.now() - timedelta(seconds=seconds)
    )
    return incident


def test_default_timeout_is_sixty_seconds(settings):
    assert settings.EMERGENCY_ACK_TIMEOUT_SECONDS == 60
    assert watchdog.ack_timeout() == timedelta(seconds=60)


def test_no_alarm_before_the_timeout(tenants, document_for):
    overdue(document_for, seconds=30)
    assert watchdog.raise_ack_alarms() == []
    assert IncidentAlarm.objects.count() == 0


def test_overdue_incident_alarms_supervisor_and_duty_officer_exactly_once(tenants, document_for):
    incident = overdue(document_for, seconds=75)
    created = watchdog.raise_ack_alarms()
    assert {(alarm.recipient, alarm.tenant_schema) for alarm in created} == {
        (AlarmRecipient.SUPERVISOR_109, "petropavlovsk"),
        (AlarmRecipient.DUTY_OFFICER_112, ""),
    }
    assert all(
        alarm.incident_id == incident.pk and alarm.kind == AlarmKind.NOT_ACKNOWLEDGED for alarm in created
    )
    assert f"№ {incident.appeal_number}" in created[0].message
    assert watchdog.raise_ack_alarms() == []
    assert IncidentAlarm.objects.count() == 2


def test_configurable_timeout(tenants, document_for, settings):
    settings.EMERGENCY_ACK_TIMEOUT_SECONDS = 20
    overdue(document_for, seconds=25)
    assert len(watchdog.raise_ack_alarms()) == 2


def test_alarms_are_visible_per_recipient_and_tenant(tenants, document_for):
    overdue(document_for, slug="petropavlovsk")
    overdue(document_for, slug="esil")
    watchdog.raise_ack_alarms()
    assert watchdog.open_alarms(recipient=AlarmRecipient.DUTY_OFFICER_112).count() == 2
    esil = watchdog.open_alarms(recipient=AlarmRecipient.SUPERVISOR_109, tenant_schema="esil")
    assert [alarm.incident.source_schema for alarm in esil] == ["esil"]


def test_acknowledging_resolves_the_alarm_and_the_inbox_shows_it_until_then(
    tenants, document_for, dispatcher
):
    incident = overdue(document_for)
    watchdog.raise_ack_alarms()
    browser = client_for("duty", "dispatcher_112")
    feed = browser.get("/112/incidents.json").json()
    assert len(feed["duty_alarms"]) == 1
    (alarm,) = feed["incidents"][0]["alarms"]
    assert alarm["kind"] == "not_acknowledged"
    assert sorted(alarm["recipients"]) == ["duty_officer_112", "supervisor_109"]
    assert "⚠" in browser.get("/112/").content.decode()
    acknowledge_incident(dispatcher, incident.pk)
    assert watchdog.open_alarms().count() == 0
    assert browser.get("/112/incidents.json").json()["duty_alarms"] == []
    # Resolved, not deleted: and never raised again for this incident.
    assert IncidentAlarm.objects.filter(resolved_at__isnull=False).count() == 2
    assert watchdog.raise_ack_alarms() == []


def test_concurrent_watchdog_runs_raise_each_alarm_once(committed_112, onboarded, document_for):
    incidents = [overdue(document_for) for _ in range(5)]
    raised = run_at_once(*[watchdog.raise_ack_alarms] * 4)
    assert sum(len(alarms) for alarms in raised) == 2 * len(incidents)
    assert IncidentAlarm.objects.count() == 2 * len(incidents)


@pytest.mark.slow
def test_the_beat_runs_the_watchdog_in_public_and_alarms_once(
    committed_112, onboarded, document_for, tmp_path
):
    env = {"EMERGENCY_ACK_TIMEOUT_SECONDS": "1", "EMERGENCY_WATCHDOG_SECONDS": "0.5"}
    incident = receive_incident(document_for(), source_schema="petropavlovsk")
    log = tmp_path / "worker.log"

    def watchdog_runs() -> int:
        """Watchdog tasks the worker finished ("Task emergency_112.raise_ack_alarms[…] succeeded")."""
        return len(re.findall(r"emergency_112\.raise_ack_alarms\[[^\]]+\] succeeded", log.read_text()))

    with celery_worker(log, env=WORKER_ENV | env), celery_beat(tmp_path, env=WORKER_ENV | env):
        assert wait_until(lambda: IncidentAlarm.objects.filter(incident=incident).count() == 2, timeout=40), (
            log.read_text()[-2000:]
        )
        # Three more runs of the watchdog after the alarms were raised: still exactly the two alarms.
        runs = watchdog_runs()
        assert wait_until(lambda: watchdog_runs() >= runs + 3, timeout=30), log.read_text()[-2000:]
        assert IncidentAlarm.objects.filter(incident=incident).count() == 2
