"""The single place every incident status leaves the 112 register for the 109 line that sent it.

`status_changed(incident, event)` runs in the transaction of the change and writes an
`emergency_112.status` message to the originating akimat: the incident's whole current state
(status, unit, notes, the time of each stage), keyed per incident, so the receiver applies the
newest and an older one skipped on the way loses nothing (decision 15).
"""

from __future__ import annotations

import logging
import uuid

from django.utils import timezone

from federation.emergency_112.documents import ALMATY
from federation.emergency_112.models import Incident, IncidentEvent
from federation.emergency_112.states import REGISTRY_STATUS
from federation.messaging.errors import FederationError
from federation.messaging.outbox import send

log = logging.getLogger(__name__)

STATUS_KIND = "emergency_112.status"


def _time(moment: object) -> str | None:
    return moment.astimezone(ALMATY).isoformat(timespec="milliseconds") if moment else None


def status_payload(incident: Incident, event: IncidentEvent) -> dict[str, object]:
    return {
        "incidentId": incident.eido_id,
        "appealNumber": incident.appeal_number,
        "state": incident.state,
        "registryStatus": REGISTRY_STATUS[incident.state],
        "at": _time(event.at or timezone.now()),
        "note": event.note,
        "unit": incident.unit,
        "rejectionNote": incident.rejection_note,
        "dispatcher": event.actor_name,
        "services": list(incident.services),
        "documentVersion": incident.document_version,
        "receivedAt": _time(incident.received_at),
        "acknowledgedAt": _time(incident.acknowledged_at),
        "dispatchedAt": _time(incident.dispatched_at),
        "onSceneAt": _time(incident.on_scene_at),
        "finishedAt": _time(incident.finished_at),
    }


def status_ordering_key(incident: Incident) -> str:
    return f"incident:{incident.pk}"


def send_to_akimat(
    kind: str, payload: dict[str, object], *, target: str, ordering_key: str
) -> uuid.UUID | None:
    """Queue a message for an akimat; None (logged at ERROR) when that akimat was deactivated.

    A deactivated akimat receives nothing, and 112's own work must not stop for it.
    """
    try:
        return send(kind, payload, target=target, ordering_key=ordering_key)
    except FederationError as error:
        if error.code != "inactive":
            raise
        log.error("112: not sent, the akimat is deactivated", extra={"kind": kind, "target": target})
        return None


def status_changed(incident: Incident, event: IncidentEvent) -> uuid.UUID | None:
    """Queue the incident's current state for its akimat."""
    return send_to_akimat(
        STATUS_KIND,
        status_payload(incident, event),
        target=incident.source_schema,
        ordering_key=status_ordering_key(incident),
    )
