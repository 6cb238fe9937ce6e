"""The akimat's own watchdog over its 112 forwards (a periodic per-tenant task runs it).

The regional 112 watchdog alarms when 112 has an incident and does not acknowledge it; it cannot
see a forward that never reached it (the message still retrying, in the dead letters, the region
down). So the akimat watches its side too: a forward 112 has not reported as received within
`EMERGENCY_ACK_TIMEOUT_SECONDS` raises a `not_received` alarm for the 109 supervisor (once; a
partial unique index makes concurrent runs safe), and 112's first status resolves it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.permissions import Operation
from appeals.events import SYSTEM, record_event
from appeals.models import (
    Appeal,
    EmergencyAlarm,
    EmergencyAlarmKind,
    EmergencyForward,
    EmergencyStatus,
    EventKind,
)
from tenants.sandbox import current_is_sandbox

# Forwards alarmed per run; the next run continues (an alarm storm means the region is down).
BATCH = 500


def receive_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.EMERGENCY_ACK_TIMEOUT_SECONDS)


def raise_not_received_alarms(now: datetime.datetime | None = None) -> list[EmergencyAlarm]:
    """Alarm the forwards 112 has not reported receiving in time; returns the alarms raised now."""
    if current_is_sandbox():
        return []  # its forwards never go to 112: waiting for 112 there is no fault (decision 79)
    now = now or timezone.now()
    # One subquery on the same alarm row (an exclude() over the relation could match the three
    # conditions on three different alarms, e.g. a resolved alarm of an earlier forward).
    alarmed = EmergencyAlarm.objects.filter(
        appeal=OuterRef("appeal"), kind=EmergencyAlarmKind.NOT_RECEIVED, alarm_id=None, resolved_at=None
    )
    waiting = (
        EmergencyForward.objects.filter(
            status=EmergencyStatus.FORWARDED, status_at__lte=now - receive_timeout()
        )
        .exclude(Exists(alarmed))
        .select_related("appeal")
        .order_by("status_at")[:BATCH]
    )
    return [alarm for forward in waiting if (alarm := _raise(forward, now)) is not None]


def _raise(forward: EmergencyForward, now: datetime.datetime) -> EmergencyAlarm | None:
    waited = int((now - forward.status_at).total_seconds())
    appeal = forward.appeal
    text = (
        f"№ {appeal.number}: 112 {waited} с ішінде алмады, 112-ге телефонмен хабарлаңыз / "
        f"№ {appeal.number}: 112 не получил за {waited} с, сообщите в 112 по телефону"
    )
    try:
        with transaction.atomic():
            alarm = EmergencyAlarm.objects.create(
                appeal=appeal, kind=EmergencyAlarmKind.NOT_RECEIVED, text=text, raised_at=now
            )
            _record(appeal, alarm)
    except IntegrityError:
        return None  # another run raised it first
    return alarm


def resolve_not_received(appeal: Appeal, at: datetime.datetime) -> int:
    """112 reported on the appeal: its open `not_received` alarm is over (caller's transaction)."""
    return EmergencyAlarm.objects.filter(
        appeal=appeal, kind=EmergencyAlarmKind.NOT_RECEIVED, alarm_id=None, resolved_at=None
    ).update(resolved_at=at)


def _record(appeal: Appeal, alarm: EmergencyAlarm) -> None:
    record_event(
        appeal,
        EventKind.EMERGENCY_ALARM,
        SYSTEM,
        operation=Operation.EMERGENCY_HANDLE,
        comment=alarm.text,
        data={"alarm": None, "kind": alarm.kind, "raised_at": alarm.raised_at.isoformat()},
    )
