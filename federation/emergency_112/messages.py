"""The federation message kinds of 112 forwarding, and their handlers on the receiving side.

| kind | from → to | handler |
|---|---|---|
| `emergency_112.incident` | akimat → region | `receive_incident` (validated on both ends) |
| `emergency_112.status` | region → akimat, keyed per incident | `appeals.actions.apply_112_status` |
| `emergency_112.alarm` | region → akimat, keyed per alarm | `appeals.actions.record_112_alarm` |
| `emergency_112.cad` | region → itself, keyed per centre and incident | POST to the centre's CAD |

A handler that can never apply its message raises PermanentError (a dead letter at once); any
other error is retried by the relay.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from accounts.principal import service_principal
from accounts.roles import Role
from appeals import actions as appeal_actions
from appeals.errors import AppealError
from federation.emergency_112.actions import receive_incident
from federation.emergency_112.cad_outbox import CAD_DELIVERY_TASK, CAD_KIND, deliver_to_cad
from federation.emergency_112.cad_outbox import PAYLOAD_SCHEMA as CAD_PAYLOAD_SCHEMA
from federation.emergency_112.forwarding import INCIDENT_KIND
from federation.emergency_112.status_feedback import STATUS_KIND
from federation.emergency_112.validation import (
    REQUEST_FOR_SERVICE_SCHEMA,
    DocumentInvalid,
    accepts_for,
    schema_document,
    validator_for,
)
from federation.emergency_112.watchdog import ALARM_KIND
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope, TargetScope, register

# Who 112's answers act as in the akimat's history (the dispatcher's own name is in the event data).
CENTRE_112 = service_principal(
    "system:emergency_112",
    "Бірыңғай 112 орталығы / Единый центр 112",
    username="112",
    roles={Role.DISPATCHER_112},
)

_TIME = {"type": ["string", "null"], "format": "date-time"}
STATUS_SCHEMA = {
    "type": "object",
    "required": ["incidentId", "appealNumber", "state", "registryStatus", "at"],
    "properties": {
        "incidentId": {"type": "string", "minLength": 1, "maxLength": 300},
        "appealNumber": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,40}$"},
        "state": {"enum": ["received", "acknowledged", "dispatched", "on_scene", "closed", "rejected"]},
        "registryStatus": {"type": "string"},
        "at": {"type": "string", "minLength": 1},
        "note": {"type": "string"},
        "unit": {"type": "string"},
        "rejectionNote": {"type": "string"},
        "dispatcher": {"type": "string"},
        "services": {"type": "array", "items": {"enum": ["101", "102", "103", "104"]}},
        "documentVersion": {"type": "integer"},
        "receivedAt": _TIME,
        "acknowledgedAt": _TIME,
        "dispatchedAt": _TIME,
        "onSceneAt": _TIME,
        "finishedAt": _TIME,
    },
}
ALARM_SCHEMA = {
    "type": "object",
    "required": ["alarmId", "appealNumber", "kind", "text", "raisedAt"],
    "properties": {
        "alarmId": {"type": "integer", "minimum": 1},
        "appealNumber": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,40}$"},
        "incidentId": {"type": "string"},
        "kind": {"type": "string", "minLength": 1, "maxLength": 30},
        "text": {"type": "string", "minLength": 1},
        "raisedAt": {"type": "string", "minLength": 1},
        "resolvedAt": _TIME,
    },
}


def _when(value: object) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise PermanentError(f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise PermanentError(f"{value!r} has no time zone")
    return moment


def _appeal_number(payload: dict[str, Any]) -> int:
    """Appeal numbers of the 109 lines are integers; 112 documents may carry others (refused here)."""
    number = str(payload["appealNumber"])
    if not number.isdigit():
        raise PermanentError(f"{number!r} is no appeal number of a 109 line")
    return int(number)


def _from_region(envelope: Envelope) -> None:
    if envelope.source_schema != get_public_schema_name():
        raise PermanentError(
            f"{envelope.kind} comes only from the region, not from {envelope.source_schema!r}"
        )


def apply_incident(envelope: Envelope) -> None:
    """In the region: register (or update) the forwarded incident; the document names its sender."""
    try:
        # The relay has validated the payload with the kind's own validator (register_kinds), as
        # reading it would again: once is enough (about 10 ms a document, decision 90).
        receive_incident(envelope.payload, source_schema=envelope.source_schema, schema_checked=True)
    except DocumentInvalid as error:
        raise PermanentError(f"requestForService refused: {error}") from None


def apply_status(envelope: Envelope) -> None:
    """In the akimat: 112's current state of the incident goes into the appeal and its history."""
    _from_region(envelope)
    payload: dict[str, Any] = envelope.payload
    update = appeal_actions.EmergencyUpdate(
        status=payload["state"],
        incident_id=payload["incidentId"],
        at=_when(payload["at"]) or timezone.now(),
        note=payload.get("note") or "",
        unit=payload.get("unit") or "",
        rejection_note=payload.get("rejectionNote") or "",
        dispatcher=payload.get("dispatcher") or "",
        received_at=_when(payload.get("receivedAt")),
        acknowledged_at=_when(payload.get("acknowledgedAt")),
        dispatched_at=_when(payload.get("dispatchedAt")),
        on_scene_at=_when(payload.get("onSceneAt")),
        finished_at=_when(payload.get("finishedAt")),
    )
    try:
        appeal_actions.apply_112_status(CENTRE_112, _appeal_number(payload), update)
    except AppealError as error:
        raise PermanentError(f"{connection.schema_name}: {error}") from None


def apply_alarm(envelope: Envelope) -> None:
    """In the akimat: the watchdog's alarm for the supervisor (raised, or resolved)."""
    _from_region(envelope)
    payload: dict[str, Any] = envelope.payload
    alarm = appeal_actions.AlarmUpdate(
        alarm_id=payload["alarmId"],
        kind=payload["kind"],
        text=payload["text"],
        raised_at=_when(payload["raisedAt"]) or timezone.now(),
        resolved_at=_when(payload.get("resolvedAt")),
    )
    try:
        appeal_actions.record_112_alarm(CENTRE_112, _appeal_number(payload), alarm)
    except AppealError as error:
        raise PermanentError(f"{connection.schema_name}: {error}") from None


def register_kinds() -> None:
    # Urgent: a lane, a task and workers of their own, never behind a backlog of appeal states.
    register(
        INCIDENT_KIND,
        apply_incident,
        payload_schema=schema_document(REQUEST_FOR_SERVICE_SCHEMA),
        payload_validator=validator_for(REQUEST_FOR_SERVICE_SCHEMA),
        payload_accepts=accepts_for(REQUEST_FOR_SERVICE_SCHEMA),
        targets=TargetScope.REGION,
        urgent=True,
    )
    register(STATUS_KIND, apply_status, payload_schema=STATUS_SCHEMA, targets=TargetScope.TENANT, urgent=True)
    register(ALARM_KIND, apply_alarm, payload_schema=ALARM_SCHEMA, targets=TargetScope.TENANT, urgent=True)
    register(
        CAD_KIND,
        deliver_to_cad,
        payload_schema=CAD_PAYLOAD_SCHEMA,
        targets=TargetScope.SELF,
        delivery_task=CAD_DELIVERY_TASK,
    )
