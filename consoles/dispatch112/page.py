"""What the inbox shows, in the screen's language: the register's incidents (open ones by priority
and age, then the recently finished), the steps each allows now, their alarms, and the 112 duty
officer's alarms. `version` changes whenever anything shown changes, so the page's poll gets
nothing (204) while the inbox stands still. A fixed number of queries whatever the rows."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext

from consoles.dispatch112.steps import STEPS, Step
from consoles.text import local, pick
from federation.emergency_112 import states, watchdog
from federation.emergency_112.inbox import inbox_incidents
from federation.emergency_112.models import AlarmKind, AlarmRecipient, Incident, IncidentAlarm, IncidentState
from federation.emergency_112.services import NAMES, Service

DUTY_ALARMS = 50


@dataclass(frozen=True)
class Alarm:
    kind: str
    label: str
    detail: str
    raised_at: datetime.datetime
    appeal_number: str


@dataclass(frozen=True)
class Row:
    id: int
    appeal_number: str
    akimat: str
    received_at: datetime.datetime
    priority: int
    services: tuple[str, ...]
    category: str
    notes: str
    address: str
    map_object: str
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    caller_name: str
    caller_phone: str
    callback_number: str
    state: str
    state_label: str
    unit: str
    rejection_note: str
    alarms: tuple[Alarm, ...]
    steps: tuple[Step, ...]

    @property
    def is_new(self) -> bool:
        return self.state == IncidentState.RECEIVED

    @property
    def finished(self) -> bool:
        return not self.steps


@dataclass(frozen=True)
class Inbox:
    rows: list[Row]
    duty_alarms: list[Alarm]
    version: str


def _alarm_label(kind: str) -> str:
    if kind == AlarmKind.NOT_ACKNOWLEDGED:
        return gettext("Not acknowledged in time")
    if kind == AlarmKind.CAD_UNDELIVERABLE:
        return gettext("The CAD did not get the document")
    return kind


def _alarm(alarm: IncidentAlarm, incident: Incident) -> Alarm:
    # The watchdog writes "kk / ru" for people; the CAD's alarm carries the transport's error.
    detail = pick(alarm.message) if alarm.kind == AlarmKind.NOT_ACKNOWLEDGED else alarm.message
    return Alarm(alarm.kind, _alarm_label(alarm.kind), detail, alarm.raised_at, incident.appeal_number)


def _service(code: str) -> str:
    try:
        kk, ru = NAMES[Service(code)]
    except ValueError:
        return code
    return f"{code} {pick(f'{kk} / {ru}')}"


def _row(incident: Incident) -> Row:
    allowed = set(states.allowed_from(incident.state))
    location = incident.location
    seen: set[str] = set()
    alarms = []
    for alarm in getattr(incident, "open_alarms", []):  # one row per recipient: one per kind here
        if alarm.kind not in seen:
            seen.add(alarm.kind)
            alarms.append(_alarm(alarm, incident))
    return Row(
        id=incident.id,
        appeal_number=incident.appeal_number,
        akimat=local(incident.source_akimat),
        received_at=incident.received_at,
        priority=incident.priority,
        services=tuple(_service(code) for code in incident.services),
        category=local(incident, "category"),
        notes=incident.notes,
        address=incident.address_text,
        map_object=incident.map_object_name,
        latitude=location.y if location else None,
        longitude=location.x if location else None,
        accuracy_m=incident.accuracy_m,
        caller_name=incident.caller_name,
        caller_phone=incident.caller_phone,
        callback_number=incident.callback_number,
        state=incident.state,
        state_label=pick(IncidentState(incident.state).label),
        unit=incident.unit,
        rejection_note=incident.rejection_note,
        alarms=tuple(alarms),
        steps=tuple(step for step in STEPS if step.target in allowed),
    )


def inbox() -> Inbox:
    rows = [_row(incident) for incident in inbox_incidents()]
    duty = [
        _alarm(alarm, alarm.incident)
        for alarm in watchdog.open_alarms(recipient=AlarmRecipient.DUTY_OFFICER_112).order_by("id")[
            :DUTY_ALARMS
        ]
    ]
    # Everything on the screen, in the screen's language: a new state, row or alarm is a new version.
    shown = repr((rows, duty)).encode()
    return Inbox(rows, duty, hashlib.sha256(shown).hexdigest()[:16])
