"""The incident state machine: which dispatcher step may follow which, and the EIDO status of each."""

from __future__ import annotations

from federation.emergency_112.models import IncidentState

S = IncidentState

# Dispatcher (or external CAD) transitions. `rejected -> received` is not here: only a new
# forward from the 109 line reopens a rejected incident (actions.receive_incident).
TRANSITIONS: dict[IncidentState, frozenset[IncidentState]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.REJECTED}),
    S.ACKNOWLEDGED: frozenset({S.DISPATCHED, S.REJECTED}),
    S.DISPATCHED: frozenset({S.ON_SCENE}),
    S.ON_SCENE: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
}

# EIDO Incident Status registry value sent back for each state.
REGISTRY_STATUS: dict[IncidentState, str] = {
    S.RECEIVED: "Active",
    S.ACKNOWLEDGED: "Active",
    S.DISPATCHED: "ResourcesAssigned",
    S.ON_SCENE: "ResourcesOnscene",
    S.CLOSED: "Closed",
    S.REJECTED: "Cancelled",
}


def is_allowed(current: str, target: str) -> bool:
    return IncidentState(target) in TRANSITIONS[IncidentState(current)]


def allowed_from(current: str) -> list[str]:
    return sorted(state.value for state in TRANSITIONS[IncidentState(current)])
