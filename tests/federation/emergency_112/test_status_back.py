"""112's answers in the 109 line: every status in the appeal's history, its 112 status in GraphQL for
staff and in the citizen's tracking (status and dates only), a rejection returning the appeal to the
operator's queue with the dispatcher's note, and the watchdog's alarm for the supervisor.

Here the messages are applied in this process, in the test's transaction, through the federation's
own receiving code (`federation.messaging.inbox.receive`: receipt, ordering cursor, handler in the target
schema). test_round_trip.py does the same with real Celery workers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from appeals import actions
from appeals.emergency import watchdog as forward_watchdog
from appeals.errors import AppealError
from appeals.jobs import monitor
from appeals.models import Appeal, EmergencyAlarm, EmergencyForward
from appeals.reads import worklists
from appeals.reads.worklists import Worklist
from appeals.rules.sla import deadline_for
from federation.emergency_112 import watchdog
from federation.emergency_112.actions import (
    acknowledge_incident,
    close_incident,
    dispatch_incident,
    mark_on_scene,
    receive_incident,
    reject_incident,
)
from federation.emergency_112.messages import CENTRE_112, apply_status
from federation.emergency_112.models import Incident
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import registration_for
from federation.messaging.inbox.receive import receive
from federation.messaging.models import Message, MessageState, Outcome
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, user_with_roles
from testkit.paths import OPERATIONS
from testkit.queries import exact_queries
from tests.appeals.conftest import OPERATOR, intake
from tests.federation.emergency_112.conftest import outbox
from tests.federation.emergency_112.test_cad_delivery import envelope_of

TRACK = (OPERATIONS / "TrackAppeal.graphql").read_text(encoding="utf-8")
APPEAL = (OPERATIONS / "AppealByNumber.graphql").read_text(encoding="utf-8")
ALARMS = (OPERATIONS / "EmergencyAlarms.graphql").read_text(encoding="utf-8")
PHONE = "+77051237788"


def relay(kind: str | None = None) -> list[Outcome]:
    """Deliver every pending message (of a kind) in this process, in order, as the relay would."""
    outcomes = []
    while True:  # what a handler sends (112's status after a forward) is relayed too
        pending = Message.objects.filter(state=MessageState.PENDING).order_by("created_at", "sequence")
        message = (pending.filter(kind=kind) if kind else pending).first()
        if message is None:
            return outcomes
        registration = registration_for(message.kind)
        registration.check_payload(message.payload, message.schema_version)
        with schema_context(message.target_schema):
            outcomes.append(receive(envelope_of(message), registration.handler))
        Message.objects.filter(pk=message.pk).update(state=MessageState.DELIVERED)


def forwarded(petropavlovsk: object, **extra: object) -> tuple[Appeal, Incident]:
    """An emergency appeal and the incident 112 registered for it (the forward relayed)."""
    appeal = intake(
        category="fire", phone=PHONE, applicant_name="Болат Ержанов", description="Горит гараж", **extra
    )
    relay("emergency_112.incident")
    with schema_context("public"):
        incident = Incident.objects.get(appeal_number=str(appeal.number), source_schema="petropavlovsk")
    relay("emergency_112.status")
    return appeal, incident


def step(action: object, *args: object, **kwargs: object) -> None:
    """A dispatcher's step in the region, then its status relayed to the akimat."""
    with schema_context("public"):
        action(*args, **kwargs)
    relay()


def test_every_status_goes_back_into_the_appeal_history_and_tracking(petropavlovsk, dispatcher):
    appeal, incident = forwarded(petropavlovsk)
    forward = EmergencyForward.objects.get(appeal=appeal)
    assert (forward.status, forward.incident_id) == ("received", incident.eido_id) and forward.received_at
    step(acknowledge_incident, dispatcher, incident.pk)
    step(dispatch_incident, dispatcher, incident.pk, unit="ПЧ-3, АЦ-40")
    step(mark_on_scene, dispatcher, incident.pk)
    step(close_incident, dispatcher, incident.pk, note="Пожар потушен")

    appeal.refresh_from_db()
    assert appeal.status == "done"  # 112 answered: the operator owes the citizen a call-back
    assert "ПЧ-3, АЦ-40" in appeal.resolution and appeal.resolved_at
    statuses = [
        (e.data["status"], e.actor_role, e.comment)
        for e in appeal.events.filter(kind="emergency_status").order_by("at", "id")
    ]
    assert statuses == [
        ("received", "dispatcher_112", ""),
        ("acknowledged", "dispatcher_112", ""),
        ("dispatched", "dispatcher_112", ""),
        ("on_scene", "dispatcher_112", ""),
        ("closed", "dispatcher_112", "Пожар потушен"),
    ]
    assert appeal.events.last().transition == "closed_by_112"
    forward.refresh_from_db()
    assert forward.unit == "ПЧ-3, АЦ-40" and forward.dispatcher_note == "Пожар потушен"
    assert all([forward.acknowledged_at, forward.dispatched_at, forward.on_scene_at, forward.finished_at])
    assert Appeal.objects.filter(pk=appeal.pk, status__in=["done"]).exists()  # in the call-back queue

    # The citizen: status and dates, nothing personal, nothing of 112's notes.
    citizen = Client(HTTP_HOST="petropavlovsk.localhost")
    answer = citizen.post(
        "/graphql/", {"query": TRACK, "variables": {"number": appeal.number, "phoneLast4": "7788"}},
        content_type="application/json",
    )  # fmt: skip
    tracked = data_of(answer.json())["trackAppeal"]
    assert tracked["status"] == "DONE" and tracked["emergency112"]["status"] == "CLOSED"
    assert all(
        tracked["emergency112"][key] for key in ("forwardedAt", "acknowledgedAt", "onSceneAt", "finishedAt")
    )
    assert tracked["emergency112"]["finishedAt"].endswith("+05:00")
    body = answer.content.decode()
    for secret in ("Болат", "7705123", "ПЧ-3", "Пожар потушен", "Горит гараж", incident.eido_id):
        assert secret not in body

    # Staff see the whole 112 record.
    staff = logged_in(user_with_roles("st-operator", "operator"))
    seen = data_of(gql(staff, APPEAL, {"number": appeal.number}))["appeal"]["emergency112"]
    assert (seen["status"], seen["unit"], seen["dispatcherNote"], seen["services"]) == (
        "CLOSED",
        "ПЧ-3, АЦ-40",
        "Пожар потушен",
        ["101"],
    )


def test_a_rejection_returns_the_appeal_to_the_109_queue_with_the_dispatchers_note(petropavlovsk, dispatcher):
    appeal, incident = forwarded(petropavlovsk)
    note = "Не ЧС: горит мусор в урне, передать в 109 / Төтенше емес"
    step(reject_incident, dispatcher, incident.pk, note=note)
    appeal.refresh_from_db()
    assert appeal.status == "received"  # back in the operator's queue
    back = appeal.events.order_by("at", "id").last()
    assert (back.transition, back.from_status, back.to_status, back.comment) == (
        "return_from_112",
        "forwarded_112",
        "received",
        note,
    )
    forward = EmergencyForward.objects.get(appeal=appeal)
    assert (forward.status, forward.rejection_note) == ("rejected", note)
    tracked = gql(
        Client(HTTP_HOST="petropavlovsk.localhost"), TRACK, {"number": appeal.number, "phoneLast4": "7788"}
    )
    tracked = data_of(tracked)["trackAppeal"]
    assert tracked["status"] == "RECEIVED" and tracked["emergency112"]["status"] == "REJECTED"

    # The automatic forward happened once: classifying it again does not send it back to 112 ...
    actions.register_appeal(OPERATOR, appeal.number, category_code="fire")
    appeal.refresh_from_db()
    assert appeal.status == "registered" and len(outbox("emergency_112.incident")) == 1
    # ... the operator may, and 112 takes the same incident up again.
    actions.forward_to_112(OPERATOR, appeal.number, services=["101"], note="Огонь перекинулся на гараж")
    relay()
    with schema_context("public"):
        incident.refresh_from_db()
    assert incident.state == "received"
    forward.refresh_from_db()
    assert (forward.status, forward.forwards, forward.rejection_note) == ("received", 2, note)
    appeal.refresh_from_db()
    assert appeal.status == "forwarded_112"


def test_a_returned_appeals_deadline_counts_from_the_return(petropavlovsk, dispatcher):
    """Its days at 112 are not the 109 line's: the SLA deadline restarts when 112 sends it back, and
    the SLA monitor, the overdue list and the figures agree (not overdue until the new deadline)."""
    appeal, incident = forwarded(petropavlovsk)
    first_receipt = timezone.now() - timedelta(days=10)  # 112 held it long past its first deadline
    old_deadline = deadline_for(appeal.category, first_receipt)
    Appeal.objects.filter(pk=appeal.pk).update(received_at=first_receipt, deadline=old_deadline)
    before = timezone.now()
    step(reject_incident, dispatcher, incident.pk, note="не ЧС")
    after = timezone.now()
    appeal.refresh_from_db()
    assert appeal.status == "received" and appeal.received_at == first_receipt
    assert deadline_for(appeal.category, before) <= appeal.deadline <= deadline_for(appeal.category, after)
    assert appeal.deadline > after and appeal.overdue_at is None
    assert appeal.events.order_by("at", "id").last().transition == "return_from_112"

    assert monitor.sweep().overdue == 0
    assert not worklists.worklist(Worklist.OVERDUE).filter(pk=appeal.pk).exists()
    assert worklists.counts()[Worklist.OVERDUE] == 0
    # Past the new deadline it is overdue, counted from the return.
    assert monitor.sweep(appeal.deadline + timedelta(minutes=1)).overdue == 1
    appeal.refresh_from_db()
    assert appeal.overdue_at is not None
    assert worklists.worklist(Worklist.OVERDUE).filter(pk=appeal.pk).exists()


def test_112_taking_up_a_returned_appeal_again_takes_it_out_of_the_queue(petropavlovsk, dispatcher):
    """The 109 line's update crossed 112's rejection: 112 reopened, the appeal follows, nothing is resent."""
    appeal, incident = forwarded(petropavlovsk)
    actions.forward_to_112(OPERATOR, appeal.number, services=["103"])  # in flight ...
    with schema_context("public"):
        reject_incident(dispatcher, incident.pk, note="не ЧС")  # ... while 112 rejects
    relay()  # the rejection reaches the akimat first, then 112 takes the update
    appeal.refresh_from_db()
    assert appeal.status == "forwarded_112"
    last = appeal.events.order_by("at", "id").last()
    assert (last.transition, last.actor_role, last.data["trigger"]) == (
        "forward_112",
        "system",
        "reopened_by_112",
    )
    assert len(outbox("emergency_112.incident")) == 2  # the reopening sent nothing new


def test_an_older_status_arriving_late_is_stale_and_changes_nothing(petropavlovsk, dispatcher):
    appeal, incident = forwarded(petropavlovsk)
    with schema_context("public"):
        acknowledge_incident(dispatcher, incident.pk)
        dispatch_incident(dispatcher, incident.pk, unit="Экипаж 5")
    older, newer = Message.objects.filter(kind="emergency_112.status", state=MessageState.PENDING).order_by(
        "sequence"
    )
    with schema_context("petropavlovsk"):
        registration = registration_for(newer.kind)
        assert receive(envelope_of(newer), registration.handler) == Outcome.APPLIED
        assert receive(envelope_of(older), registration.handler) == Outcome.STALE
    forward = EmergencyForward.objects.get(appeal=appeal)
    assert (forward.status, forward.unit) == ("dispatched", "Экипаж 5")
    assert forward.acknowledged_at  # the newest state carries the skipped one's time


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"source_schema": "esil"}, "only from the region"),
        ({"payload": {"appealNumber": "PTR-9"}}, "no appeal number"),
        ({"payload": {"appealNumber": "987654"}}, "not_found"),
    ],
)
def test_statuses_the_akimat_cannot_apply_are_permanent_errors(petropavlovsk, dispatcher, change, reason):
    _appeal, incident = forwarded(petropavlovsk)
    with schema_context("public"):
        acknowledge_incident(dispatcher, incident.pk)
    (message,) = Message.objects.filter(kind="emergency_112.status", state=MessageState.PENDING)
    envelope = envelope_of(message)
    envelope = replace(
        envelope,
        payload={**envelope.payload, **change.get("payload", {})},
        source_schema=change.get("source_schema", envelope.source_schema),
    )
    with pytest.raises(PermanentError, match=reason):
        apply_status(envelope)


def test_an_appeal_never_forwarded_refuses_a_status(petropavlovsk):
    appeal = intake(category="heating")
    update = actions.EmergencyUpdate(status="acknowledged", incident_id="urn:x", at=timezone.now())
    with pytest.raises(AppealError) as caught:
        actions.apply_112_status(CENTRE_112, appeal.number, update)
    assert caught.value.problems[0].code == "not_forwarded"


# ------------------------------------------------------------------ the watchdog's alarm
def test_the_watchdog_alarm_reaches_the_supervisor_and_is_resolved_by_the_acknowledgement(
    petropavlovsk, dispatcher
):
    appeal, incident = forwarded(petropavlovsk)
    with schema_context("public"):
        Incident.objects.filter(pk=incident.pk).update(
            awaiting_ack_since=timezone.now() - timedelta(seconds=90)
        )
        watchdog.raise_ack_alarms()
    relay()
    (alarm,) = EmergencyAlarm.objects.all()
    assert alarm.appeal_id == appeal.pk and alarm.kind == "not_acknowledged" and alarm.resolved_at is None
    assert f"№ {appeal.number}" in alarm.text
    assert appeal.events.filter(kind="emergency_alarm").count() == 1

    supervisor = logged_in(user_with_roles("al-supervisor", "supervisor"))
    (seen,) = data_of(gql(supervisor, ALARMS, {}))["emergencyAlarms"]
    assert (seen["appealNumber"], seen["kind"], seen["resolvedAt"]) == (
        appeal.number,
        "not_acknowledged",
        None,
    )
    assert seen["emergency"]["status"] == "RECEIVED"
    operator = logged_in(user_with_roles("al-operator", "operator"))
    refusal(gql(operator, ALARMS, {}), "forbidden")

    step(acknowledge_incident, dispatcher, incident.pk)
    alarm.refresh_from_db()
    assert alarm.resolved_at is not None
    assert data_of(gql(supervisor, ALARMS, {}))["emergencyAlarms"] == []
    (resolved,) = data_of(gql(supervisor, ALARMS, {"includeResolved": True}))["emergencyAlarms"]
    assert resolved["resolvedAt"] and resolved["emergency"]["status"] == "ACKNOWLEDGED"


def test_alarms_are_only_the_akimats_own(tenants, petropavlovsk, dispatcher, document_for):
    forwarded(petropavlovsk)
    with schema_context("public"):
        other = receive_incident(document_for("esil", appeal_number="41"), source_schema="esil")
        Incident.objects.update(awaiting_ack_since=timezone.now() - timedelta(seconds=90))
        watchdog.raise_ack_alarms()
        targets = sorted(m.target_schema for m in Message.objects.filter(kind="emergency_112.alarm"))
    assert targets == ["esil", "petropavlovsk"]
    assert other.source_schema == "esil"


def test_a_forward_112_never_received_alarms_the_supervisor_until_112_reports(petropavlovsk, dispatcher):
    # The forward message stays undelivered (a stuck relay, a dead letter, the region down):
    # the regional watchdog cannot see it, the akimat's own watchdog does.
    appeal = intake(category="fire", phone=PHONE, description="Горит гараж")
    forward = EmergencyForward.objects.get(appeal=appeal)
    assert forward_watchdog.raise_not_received_alarms() == []  # not late yet
    later = forward.status_at + timedelta(seconds=61)
    (alarm,) = forward_watchdog.raise_not_received_alarms(now=later)
    assert forward_watchdog.raise_not_received_alarms(now=later + timedelta(seconds=30)) == []  # once
    assert (alarm.appeal_id, alarm.kind, alarm.alarm_id, alarm.resolved_at) == (
        appeal.pk,
        "not_received",
        None,
        None,
    )
    kazakh, russian = alarm.text.split(" / ")
    # Each screen shows its own half only, so each names the appeal.
    assert kazakh.startswith(f"№ {appeal.number}: 112 61 с ішінде")
    assert russian.startswith(f"№ {appeal.number}: 112 не получил за 61 с")
    event = appeal.events.get(kind="emergency_alarm")
    assert (event.actor_role, event.data["kind"]) == ("system", "not_received")

    supervisor = logged_in(user_with_roles("al-supervisor", "supervisor"))
    (seen,) = data_of(gql(supervisor, ALARMS, {}))["emergencyAlarms"]
    assert (seen["id"], seen["regionalId"], seen["kind"]) == (alarm.pk, None, "not_received")
    assert seen["emergency"]["status"] == "FORWARDED"

    # The region gets it at last and says so: the alarm is over.
    relay("emergency_112.incident")
    relay("emergency_112.status")
    alarm.refresh_from_db()
    assert alarm.resolved_at is not None
    assert data_of(gql(supervisor, ALARMS, {}))["emergencyAlarms"] == []
    assert forward_watchdog.raise_not_received_alarms(now=later + timedelta(hours=1)) == []


def test_a_forward_112_has_received_raises_no_alarm_of_the_akimat(petropavlovsk):
    appeal, _incident = forwarded(petropavlovsk)
    status_at = EmergencyForward.objects.get(appeal=appeal).status_at
    assert forward_watchdog.raise_not_received_alarms(now=status_at + timedelta(hours=1)) == []
    assert not EmergencyAlarm.objects.exists()


def test_a_second_forward_never_received_alarms_again(petropavlovsk, dispatcher):
    # The first forward was late (alarm, resolved), 112 sent it back, the operator forwards again
    # and this one does not arrive: a new alarm, whatever other alarms the appeal has.
    appeal = intake(category="fire", phone=PHONE, description="Горит гараж")
    first_at = EmergencyForward.objects.get(appeal=appeal).status_at
    (first,) = forward_watchdog.raise_not_received_alarms(now=first_at + timedelta(seconds=61))
    relay("emergency_112.incident")
    relay("emergency_112.status")
    first.refresh_from_db()
    assert first.resolved_at is not None
    EmergencyAlarm.objects.create(  # the region's alarm of that round, still open here
        alarm_id=777001, appeal=appeal, kind="not_acknowledged", text="t", raised_at=timezone.now()
    )
    with schema_context("public"):
        incident = Incident.objects.get(appeal_number=str(appeal.number), source_schema="petropavlovsk")
    step(reject_incident, dispatcher, incident.pk, note="Дым от мангала, не пожар")
    actions.forward_to_112(OPERATOR, appeal.number, services=["101"], note="Снова дым")
    again_at = EmergencyForward.objects.get(appeal=appeal).status_at
    assert again_at > first_at
    (second,) = forward_watchdog.raise_not_received_alarms(now=again_at + timedelta(seconds=61))
    assert second.pk != first.pk and second.kind == "not_received" and second.resolved_at is None


ALARM_LIST_QUERIES = 4  # session, user, roles; the alarms with their appeals


def test_the_alarm_list_costs_the_same_queries_for_one_alarm_or_many(petropavlovsk):
    supervisor = logged_in(user_with_roles("al-supervisor-2", "supervisor"))

    def alarms() -> int:
        gql(supervisor, ALARMS, {})  # warm: the session's and the host's first look-ups
        with exact_queries(ALARM_LIST_QUERIES):
            return len(data_of(gql(supervisor, ALARMS, {}))["emergencyAlarms"])

    for index in range(6):
        appeal = intake(category="fire", phone=PHONE)
        EmergencyAlarm.objects.create(
            alarm_id=900000 + index,
            appeal=appeal,
            kind="not_acknowledged",
            text="t",
            raised_at=timezone.now(),
        )
        if index == 0:
            assert alarms() == 1
    assert alarms() == 6


def test_tracking_costs_the_appeal_and_its_112_record_forwarded_or_not(petropavlovsk):
    appeal, _incident = forwarded(petropavlovsk)
    plain = intake(phone=PHONE)  # never forwarded
    citizen = Client(HTTP_HOST="petropavlovsk.localhost")
    gql(citizen, TRACK, {"number": plain.number, "phoneLast4": "7788"})  # warm: the host's look-up
    for number, emergency in ((plain.number, None), (appeal.number, "RECEIVED")):
        with exact_queries(2) as counted:  # the appeal, its 112 record
            tracked = data_of(gql(citizen, TRACK, {"number": number, "phoneLast4": "7788"}))["trackAppeal"]
        assert (tracked["emergency112"] or {}).get("status") == emergency
        assert "emergencyforward" in counted.captured_queries[1]["sql"]


FORWARDED_PAGE_QUERIES = 4  # session, user, roles; the page with each appeal's 112 record joined


def test_a_page_of_forwarded_appeals_loads_their_112_status_without_n_plus_1(petropavlovsk):
    operator = logged_in(user_with_roles("pg-operator", "operator"))
    page = """query($n: Int!) { appeals(first: $n, filter: {status: [FORWARDED_112]}) {
      edges { node { number emergency112 { status services forwardedAt } } } } }"""

    def page_of(size: int) -> None:
        gql(operator, page, {"n": size})  # warm
        with exact_queries(FORWARDED_PAGE_QUERIES):
            edges = data_of(gql(operator, page, {"n": size}))["appeals"]["edges"]
        assert len(edges) == size and all(
            edge["node"]["emergency112"]["status"] == "FORWARDED" for edge in edges
        )

    for _ in range(6):
        intake(category="fire")
    page_of(1)
    page_of(6)
