"""The single place every incident status change leaves the 112 register for the 109 line.

`status_changed(incident, event)` is called in the same transaction as the change. TO BE WIRED:
the lead connects it to the federation outbox so the status reaches the originating tenant's
appeal and the citizen's tracking; until then it records an `OutgoingStatus` row (never sent).
"""

from __future__ import annotations

from federation.emergency_112.models import Incident, IncidentEvent, OutgoingStatus
from federation.emergency_112.states import REGISTRY_STATUS


def status_changed(incident: Incident, event: IncidentEvent) -> OutgoingStatus:
    return OutgoingStatus.objects.create(
        event=event,
        incident=incident,
        target_schema=incident.source_schema,
        appeal_number=incident.appeal_number,
        eido_id=incident.eido_id,
        registry_status=REGISTRY_STATUS[incident.state],
        internal_status=incident.state,
        note=event.note,
        unit=event.unit,
    )
