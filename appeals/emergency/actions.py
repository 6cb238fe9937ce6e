"""Emergencies: forwarding an appeal to 112, and taking 112's answers back into the appeal.

Forwarding moves the appeal to `forwarded_112` (out of every 109 queue) and writes the
`forward_112` transition event; the federation's listener turns that event into the message to
the regional 112 register in the same transaction. An emergency category forwards at intake (or
at the registration that gives the appeal such a category), once, before anything else happens.

112's statuses come back as state (`EmergencyUpdate`, applied by the federation handler in this
akimat's schema): each is an `emergency_status` event in the history; a rejection returns the
appeal to the operator's queue (`received`) with the dispatcher's note, a closure makes it `done`
(the operator calls the citizen back as for any answer).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.emergency.watchdog import resolve_not_received
from appeals.errors import AppealError, Problem, not_found
from appeals.events import SYSTEM, record_event
from appeals.models import (
    OPEN_EMERGENCY_STATUSES,
    Appeal,
    EmergencyAlarm,
    EmergencyForward,
    EmergencyStatus,
    EventKind,
    Service112,
)
from appeals.rules.emergency_intake import forwards_at_intake
from appeals.rules.sla import deadline_for
from appeals.states import FORWARDABLE_STATUSES, Status
from appeals.transitions import apply_transition, authorise, locked_appeal
from tenants.sandbox import current_is_sandbox

MAX_NOTE = 2000


class Trigger:
    """Why a `forward_112` event was written; only the first two send a document to 112."""

    OPERATOR = "operator"  # the operator chose "forward to 112"
    CATEGORY = "category"  # an emergency category, at intake or registration
    REOPENED_BY_112 = "reopened_by_112"  # 112 took the incident up again: nothing to send

    SENDS_DOCUMENT = frozenset({OPERATOR, CATEGORY})


@dataclass(frozen=True)
class EmergencyUpdate:
    """112's state of the incident, as the region reports it: state, never a delta."""

    status: str  # an EmergencyStatus other than `forwarded`
    incident_id: str
    at: datetime.datetime  # when 112's state last changed
    note: str = ""
    unit: str = ""
    rejection_note: str = ""
    dispatcher: str = ""
    received_at: datetime.datetime | None = None
    acknowledged_at: datetime.datetime | None = None
    dispatched_at: datetime.datetime | None = None
    on_scene_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None


@dataclass(frozen=True)
class AlarmUpdate:
    """An alarm of the regional 112 watchdog about one appeal (raised, or resolved)."""

    alarm_id: int
    kind: str
    text: str
    raised_at: datetime.datetime
    resolved_at: datetime.datetime | None = None


def parse_services(codes: Iterable[str] | None, field: str = "services") -> list[str]:
    """The requested 112 services, sorted; unknown, repeated or missing codes are refused."""
    codes = [str(code).strip() for code in (codes or [])]
    if not codes:
        raise AppealError.of(
            field, "required", "112 қызметін таңдаңыз (101-104) / Выберите службу 112 (101-104)"
        )
    problems = [
        Problem(
            field,
            "invalid_service",
            f"«{code[:40]}»: 101, 102, 103 не 104 күтіледі / «{code[:40]}»: ожидается 101, 102, 103 или 104",
        )
        for code in codes
        if code not in Service112.values
    ]
    if len(set(codes)) != len(codes):
        problems.append(Problem(field, "duplicate_service", "Қызмет қайталанды / Служба указана дважды"))
    if problems:
        raise AppealError(*problems)
    return sorted(codes)


def forward_to_112(actor: Principal, number: int, *, services: Iterable[str], note: str = "") -> Appeal:
    """The operator forwards an appeal to 112 (or asks for more services while 112 has it)."""
    authorise(actor, Operation.APPEAL_FORWARD_112)
    codes = parse_services(services)
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise AppealError.of("note", "too_long", f"{MAX_NOTE} таңбадан аспауы керек / не длиннее {MAX_NOTE}")
    with transaction.atomic():
        appeal = locked_appeal(number)
        forward_locked(actor, appeal, codes, note=text, trigger=Trigger.OPERATOR)
    return appeal


def forward_if_emergency(actor: Principal, appeal: Appeal, *, new: bool = False) -> bool:
    """Forward a locked appeal whose category is an emergency, unless it was forwarded before.

    Automatic forwarding happens once per appeal: after 112 sent it back as no emergency, only the
    operator forwards it again. `new` (intake) skips the look-up: a new appeal was never forwarded.
    """
    category = appeal.category
    if category is None or not category.is_emergency or appeal.status not in FORWARDABLE_STATUSES:
        return False
    if new and not forwards_at_intake(actor):
        return False  # an integrator's: an operator confirms it first (appeals.rules.emergency_intake)
    if not new and EmergencyForward.objects.filter(appeal=appeal).exists():
        return False
    forward_locked(
        SYSTEM,
        appeal,
        parse_services(category.services_112, field="category"),
        note="",
        trigger=Trigger.CATEGORY,
        on_behalf_of=actor,
        new=new,
    )
    return True


def forward_locked(
    actor: Principal,
    appeal: Appeal,
    services: list[str],
    *,
    note: str,
    trigger: str,
    on_behalf_of: Principal | None = None,
    new: bool = False,
) -> EmergencyForward:
    """Record the forward on a locked appeal and write the `forward_112` event (the listener sends)."""
    now = timezone.now()
    forward = None if new else EmergencyForward.objects.select_for_update().filter(appeal=appeal).first()
    if forward is None:
        forward = EmergencyForward(appeal=appeal, services=services, forwards=0)
    if forward.pk is not None and appeal.status == Status.FORWARDED_112:
        # 112 has it: one more service is asked for, none is withdrawn; 112's status stands.
        services = sorted(set(forward.services) | set(services))
        forward.services = services
    else:
        # First forward, or again after 112 sent it back: a new round at 112.
        forward.services = services
        forward.received_at = forward.acknowledged_at = forward.dispatched_at = None
        forward.on_scene_at = forward.finished_at = None
        forward.unit = forward.dispatcher_note = ""
        forward.status = EmergencyStatus.FORWARDED
        forward.status_at = now
    forward.forward_note = note
    forward.forwarded_at = now
    forward.forwards += 1
    forward.save()
    person = on_behalf_of or actor
    data = {
        "services": services,
        "trigger": trigger,
        "operator": {"subject": person.subject, "name": person.display_name or person.username},
    }
    if current_is_sandbox():
        # What the API shows of a dry run: the document is built and checked, never sent (decision 79).
        data["sandbox"] = True
    apply_transition(actor, appeal, "forward_112", comment=note, data=data)
    return forward


def apply_112_status(actor: Principal, number: int, update: EmergencyUpdate) -> Appeal:
    """Apply 112's current state to the appeal (called in this akimat's schema by the federation)."""
    authorise(actor, Operation.EMERGENCY_HANDLE)
    if update.status not in EmergencyStatus.values or update.status == EmergencyStatus.FORWARDED:
        raise AppealError.of("status", "invalid", f"{update.status!r}: not a 112 status")
    with transaction.atomic():
        appeal = locked_appeal(number)
        forward = EmergencyForward.objects.select_for_update().filter(appeal=appeal).first()
        if forward is None:
            raise AppealError.of(
                "number", "not_forwarded", f"№{number}: 112-ге жіберілмеген / не передавалось в 112"
            )
        previous = forward.status
        forward.status = update.status
        forward.incident_id = update.incident_id
        forward.dispatcher_note = update.note
        forward.unit = update.unit
        if update.status == EmergencyStatus.REJECTED:
            forward.rejection_note = update.rejection_note
        forward.received_at = update.received_at
        forward.acknowledged_at = update.acknowledged_at
        forward.dispatched_at = update.dispatched_at
        forward.on_scene_at = update.on_scene_at
        forward.finished_at = update.finished_at
        forward.status_at = update.at
        forward.save()
        resolve_not_received(appeal, timezone.now())
        record_event(
            appeal,
            EventKind.EMERGENCY_STATUS,
            actor,
            operation=Operation.EMERGENCY_HANDLE,
            comment=update.rejection_note if update.status == EmergencyStatus.REJECTED else update.note,
            data={
                "status": update.status,
                "previous": previous,
                "incident": update.incident_id,
                "unit": update.unit,
                "dispatcher": update.dispatcher,
                "at": update.at.isoformat(),
            },
        )
        _follow_112(actor, appeal, forward, update)
    return appeal


def restart_sla(appeal: Appeal, now: datetime.datetime) -> list[str]:
    """Back from 112 in the operator's queue: its SLA clock counts from the return, not from the
    first receipt (the time at 112 was not the 109 line's); the monitor's stamps go with the old
    deadline, an earlier violation stays in the register (like a reopening)."""
    appeal.warned_at = appeal.overdue_at = appeal.escalated_at = None
    changed = ["warned_at", "overdue_at", "escalated_at"]
    if appeal.category is not None:
        appeal.deadline = deadline_for(appeal.category, now)
        changed.append("deadline")
    return changed


def _follow_112(actor: Principal, appeal: Appeal, forward: EmergencyForward, update: EmergencyUpdate) -> None:
    """Move the appeal where 112's state puts it; a state it is already in changes nothing."""
    if update.status == EmergencyStatus.REJECTED and appeal.status == Status.FORWARDED_112:
        apply_transition(
            actor,
            appeal,
            "return_from_112",
            changed=restart_sla(appeal, timezone.now()),
            comment=update.rejection_note,
            data={"incident": update.incident_id, "dispatcher": update.dispatcher},
        )
    elif update.status == EmergencyStatus.CLOSED and appeal.status == Status.FORWARDED_112:
        appeal.resolved_at = update.finished_at or update.at
        appeal.resolution = "; ".join(
            part for part in ("112: оқиға жабылды / происшествие закрыто", update.unit, update.note) if part
        )
        apply_transition(
            actor,
            appeal,
            "closed_by_112",
            changed=["resolved_at", "resolution"],
            comment=update.note,
            data={"incident": update.incident_id, "unit": update.unit},
        )
    elif update.status in OPEN_EMERGENCY_STATUSES and appeal.status in FORWARDABLE_STATUSES:
        # 112 took the incident up again (the 109 line's update crossed 112's rejection): the
        # appeal leaves the 109 queue again. Nothing is sent: 112 already has the document.
        apply_transition(
            SYSTEM,
            appeal,
            "forward_112",
            comment="112 оқиғаны қайта ашты / 112 снова взял происшествие",
            data={"services": list(forward.services), "trigger": Trigger.REOPENED_BY_112},
        )


def record_112_alarm(actor: Principal, number: int, alarm: AlarmUpdate) -> EmergencyAlarm:
    """Keep the watchdog's alarm for the supervisor; a later message with `resolved_at` resolves it."""
    authorise(actor, Operation.EMERGENCY_HANDLE)
    with transaction.atomic():
        appeal = Appeal.objects.filter(number=number).first()
        if appeal is None:
            raise not_found("Өтініш / Обращение №", number, "number")
        row = EmergencyAlarm.objects.select_for_update().filter(alarm_id=alarm.alarm_id).first()
        if row is None:
            row = EmergencyAlarm.objects.create(
                alarm_id=alarm.alarm_id,
                appeal=appeal,
                kind=alarm.kind,
                text=alarm.text,
                raised_at=alarm.raised_at,
                resolved_at=alarm.resolved_at,
            )
            record_event(
                appeal,
                EventKind.EMERGENCY_ALARM,
                actor,
                operation=Operation.EMERGENCY_HANDLE,
                comment=alarm.text,
                data={"alarm": alarm.alarm_id, "kind": alarm.kind, "raised_at": alarm.raised_at.isoformat()},
            )
            return row
        if row.appeal_id != appeal.pk:
            raise AppealError.of(
                "number", "alarm_of_other_appeal", f"alarm {alarm.alarm_id} is not about №{number}"
            )
        if alarm.resolved_at is not None and row.resolved_at is None:
            row.resolved_at = alarm.resolved_at
            row.save(update_fields=["resolved_at"])
    return row
