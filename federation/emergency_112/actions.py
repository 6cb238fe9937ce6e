"""Business actions of the 112 register: receiving a forwarded incident and the dispatcher's steps.

Each action runs in one transaction, writes its append-only event row and calls
`status_feedback.status_changed` (the single exit towards the 109 line).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.permissions import Operation, require
from accounts.principal import Principal, service_principal
from accounts.roles import Role
from federation.emergency_112 import states, watchdog
from federation.emergency_112.cad_outbox import queue_for_cad
from federation.emergency_112.documents import IncidentSummary, read_request_for_service
from federation.emergency_112.models import (
    AlarmKind,
    EmergencyCentre,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentState,
    ReceivedDocument,
)
from federation.emergency_112.status_feedback import status_changed
from federation.emergency_112.validation import DocumentInvalid, SchemaError
from tenants.models import Akimat

FEDERATION = service_principal("system:federation", "iKOMEK federation", username="federation")


def cad_principal(centre: EmergencyCentre) -> Principal:
    """The identity a centre's CAD acts under once its signature is verified."""
    return service_principal(
        f"cad:{centre.slug}",
        centre.name_ru,
        issuer="ikomek:cad-signature",
        username=f"cad-{centre.slug}",
        roles={Role.DISPATCHER_112},
    )


class EmergencyError(Exception):
    """A refused dispatcher step: `code` and `field` are stable for API clients and forms."""

    code = "emergency_error"
    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "field": self.field, "message": self.message}


class IncidentNotFound(EmergencyError):
    code = "not_found"
    status = 404


class IllegalTransition(EmergencyError):
    code = "illegal_transition"
    status = 409


class FieldRequired(EmergencyError):
    code = "required"


# ------------------------------------------------------------------ receiving
def _primary_centre() -> EmergencyCentre | None:
    return EmergencyCentre.objects.filter(is_primary=True, is_active=True).first()


def _write_event(
    incident: Incident,
    actor: Principal,
    kind: str,
    from_state: str,
    *,
    note: str = "",
    unit: str = "",
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor_subject=actor.subject,
        actor_issuer=actor.issuer,
        actor_name=actor.display_name or actor.username,
        actor_kind=actor.kind,
        from_state=from_state,
        to_state=incident.state,
        note=note,
        unit=unit,
        document_version=incident.document_version,
    )


def _apply_summary(incident: Incident, summary: IncidentSummary, document: dict[str, object]) -> None:
    incident.services = [service.value for service in summary.services]
    incident.priority = summary.priority
    incident.category_kk = summary.category_kk
    incident.category_ru = summary.category_ru
    incident.caller_name = summary.caller_name
    incident.caller_phone = summary.caller_phone
    incident.callback_number = summary.callback_number
    incident.caller_language = summary.caller_language
    incident.address_text = summary.address_text
    incident.location = (
        Point(summary.longitude, summary.latitude, srid=4326) if summary.latitude is not None else None
    )
    incident.accuracy_m = summary.accuracy_m
    incident.map_object_id = summary.map_object_id
    incident.map_object_name = summary.map_object_name
    incident.notes = summary.notes
    incident.created = summary.created
    incident.document = document
    incident.document_sent_at = summary.sent_at


def receive_incident(document: dict, *, source_schema: str, schema_checked: bool = False) -> Incident:
    """Register (or update) the incident a tenant forwarded; idempotent by EIDO $id.

    `source_schema` is the sending tenant as the federation layer knows it; the document must say
    the same. A repeated delivery of the same message changes nothing; a new message for the same
    $id updates the incident (and reopens it if 112 had rejected it). When the centre runs its
    own CAD, the document is queued for it in the same transaction. The federation handler of
    `emergency_112.incident` calls it in the region's schema, in the delivery's transaction, with
    `schema_checked` (the relay validated the document as reading it would).
    """
    summary = read_request_for_service(document, schema_checked=schema_checked)
    if summary.tenant_schema != source_schema:
        raise DocumentInvalid(
            [
                SchemaError(
                    "/requestForService/origin/tenantSchema", f"the message came from {source_schema!r}"
                )
            ]
        )
    akimat = Akimat.objects.filter(schema_name=source_schema, is_active=True).first()
    if akimat is None or akimat.kato != summary.akimat_kato:
        raise DocumentInvalid(
            [
                SchemaError(
                    "/requestForService/origin/akimatKato", "not the KATO code of an active sending akimat"
                )
            ]
        )
    # Stored exactly as received and re-encoded the same way for the CAD.
    document = json.loads(json.dumps(document))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(eido_id=summary.eido_id).first()
        if incident is None:
            incident = _create(summary, document, akimat)
            if incident is not None:
                return incident
            incident = Incident.objects.select_for_update().get(eido_id=summary.eido_id)
        return _update(incident, summary, document)


def _create(summary: IncidentSummary, document: dict, akimat: Akimat) -> Incident | None:
    """Insert a new incident; None when a concurrent forward inserted it first."""
    now = timezone.now()
    incident = Incident(
        eido_id=summary.eido_id,
        centre=_primary_centre(),
        source_schema=akimat.schema_name,
        source_akimat=akimat,
        appeal_number=summary.appeal_number,
        received_at=now,
        awaiting_ack_since=now,
    )
    _apply_summary(incident, summary, document)
    try:
        with transaction.atomic():
            incident.save(force_insert=True)
    except IntegrityError:
        return None
    _remember(incident, summary, applied=True)
    event = _write_event(incident, FEDERATION, EventKind.RECEIVED, "")
    status_changed(incident, event)
    _queue_for_cad(incident, document)
    return incident


def _remember(incident: Incident, summary: IncidentSummary, *, applied: bool) -> None:
    ReceivedDocument.objects.create(
        message_id=summary.message_id, incident=incident, sent_at=summary.sent_at, applied=applied
    )


def _update(incident: Incident, summary: IncidentSummary, document: dict) -> Incident:
    if incident.source_schema != summary.tenant_schema:
        raise DocumentInvalid(
            [SchemaError("/requestForService/eido/$id", "belongs to another tenant's incident")]
        )
    if ReceivedDocument.objects.filter(message_id=summary.message_id).exists():
        return incident  # a message delivered again (at-least-once relay): already taken in
    if summary.sent_at < incident.document_sent_at:
        # Overtaken by a newer version on the way: kept on record, never applied over it.
        _remember(incident, summary, applied=False)
        return incident
    _remember(incident, summary, applied=True)
    _apply_summary(incident, summary, document)
    incident.document_version += 1
    incident.save()
    event = _write_event(incident, FEDERATION, EventKind.UPDATED, incident.state, note="document updated")
    if incident.state != IncidentState.REJECTED:
        status_changed(incident, event)  # the 109 line learns 112 has the new version
    else:
        # The 109 line forwards again after a rejection: 112 must look at it again.
        now = timezone.now()
        incident.state = IncidentState.RECEIVED
        incident.awaiting_ack_since = now
        incident.finished_at = None
        incident.acknowledged_at = None
        incident.save()
        event = _write_event(
            incident, FEDERATION, EventKind.TRANSITION, IncidentState.REJECTED, note="forwarded again by 109"
        )
        status_changed(incident, event)
    _queue_for_cad(incident, document)
    return incident


def _queue_for_cad(incident: Incident, document: dict) -> None:
    centre = incident.centre
    if centre is not None and centre.is_active and centre.runs_own_cad:
        queue_for_cad(centre, incident, document)


# ------------------------------------------------------------------ dispatcher steps
@dataclass(frozen=True)
class StepResult:
    incident: Incident
    changed: bool


def _step(
    actor: Principal,
    incident_id: int,
    target: IncidentState,
    *,
    note: str = "",
    unit: str = "",
    same_state_is_noop: bool = False,
) -> StepResult:
    require(actor, Operation.EMERGENCY_HANDLE)
    note, unit = note.strip(), unit.strip()
    if target == IncidentState.REJECTED and not note:
        raise FieldRequired("a rejection needs the dispatcher's note for the 109 line", field="note")
    if target == IncidentState.DISPATCHED and not unit:
        raise FieldRequired("name the unit or crew dispatched", field="unit")
    with transaction.atomic():
        incident = Incident.objects.select_for_update().filter(pk=incident_id).first()
        if incident is None:
            raise IncidentNotFound(f"incident {incident_id} does not exist")
        if same_state_is_noop and incident.state == target:
            return StepResult(incident, changed=False)
        if not states.is_allowed(incident.state, target):
            allowed = ", ".join(states.allowed_from(incident.state)) or "nothing (final)"
            raise IllegalTransition(
                f"cannot go from {incident.state} to {target}; allowed: {allowed}", field="state"
            )
        previous = incident.state
        now = timezone.now()
        incident.state = target
        if target == IncidentState.ACKNOWLEDGED:
            incident.acknowledged_at = now
            watchdog.resolve_alarms(incident, AlarmKind.NOT_ACKNOWLEDGED)
        elif target == IncidentState.DISPATCHED:
            incident.dispatched_at = now
            incident.unit = unit
        elif target == IncidentState.ON_SCENE:
            incident.on_scene_at = now
        else:  # closed or rejected
            incident.finished_at = now
            if target == IncidentState.REJECTED:
                incident.rejection_note = note
                watchdog.resolve_alarms(incident, AlarmKind.NOT_ACKNOWLEDGED)
        incident.save()
        event = _write_event(incident, actor, EventKind.TRANSITION, previous, note=note, unit=unit)
        status_changed(incident, event)
    return StepResult(incident, changed=True)


def acknowledge_incident(actor: Principal, incident_id: int, *, note: str = "") -> Incident:
    return _step(actor, incident_id, IncidentState.ACKNOWLEDGED, note=note).incident


def dispatch_incident(actor: Principal, incident_id: int, *, unit: str, note: str = "") -> Incident:
    return _step(actor, incident_id, IncidentState.DISPATCHED, unit=unit, note=note).incident


def mark_on_scene(actor: Principal, incident_id: int, *, note: str = "") -> Incident:
    return _step(actor, incident_id, IncidentState.ON_SCENE, note=note).incident


def close_incident(actor: Principal, incident_id: int, *, note: str = "") -> Incident:
    return _step(actor, incident_id, IncidentState.CLOSED, note=note).incident


def reject_incident(actor: Principal, incident_id: int, *, note: str) -> Incident:
    """Not an emergency: the appeal goes back to its 109 queue with this note."""
    return _step(actor, incident_id, IncidentState.REJECTED, note=note).incident


# ------------------------------------------------------------------ status from an external CAD
CAD_STATUS_TARGET: dict[str, IncidentState] = {
    "ResourcesAssigned": IncidentState.DISPATCHED,
    "ResourcesEnroute": IncidentState.DISPATCHED,
    "ResourcesOnscene": IncidentState.ON_SCENE,
    "Closed": IncidentState.CLOSED,
    "Cancelled": IncidentState.REJECTED,
}


def apply_cad_status(centre: EmergencyCentre, update: dict[str, object]) -> StepResult:
    """Apply one validated `statusUpdate` from the centre's CAD to its incident.

    A status the incident already has is accepted without a new event (CADs repeat themselves).
    """
    registry = str(update["incidentStatusCommonRegistryText"])
    if registry == "Active":
        if not update.get("acknowledged"):
            raise EmergencyError("Active without acknowledged=true changes nothing", field="acknowledged")
        target = IncidentState.ACKNOWLEDGED
    else:
        target = CAD_STATUS_TARGET[registry]
    incident = Incident.objects.filter(eido_id=update["incidentId"]).only("id", "centre_id").first()
    if incident is None or incident.centre_id != centre.id:
        raise IncidentNotFound(f"incident {update['incidentId']} is not assigned to centre {centre.slug}")
    agent = str(update.get("agentName") or "").strip()
    note = str(update.get("notesActionComments") or "").strip()
    if agent:
        note = f"{note} ({agent})".strip()
    return _step(
        cad_principal(centre),
        incident.id,
        target,
        note=note,
        unit=str(update.get("emergencyResourceName") or ""),
        same_state_is_noop=True,
    )
