"""An appeal's way through 112 as its page shows it: the services asked for, 112's status, and each
stage with the time 112 reported it (nothing reached yet: no time). Read from the akimat's own copy
of the 112 record (`EmergencyForward`, joined with the appeal: no query of its own)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from appeals.models import Appeal, EmergencyForward, EmergencyStatus, Service112


@dataclass(frozen=True)
class Stage:
    status: str  # an EmergencyStatus
    label: str  # "kk / ru"
    at: datetime.datetime | None


@dataclass(frozen=True)
class Emergency:
    forward: EmergencyForward
    status_label: str  # "kk / ru"
    services: list[tuple[str, str]]  # (code, "kk / ru" name)
    stages: list[Stage]


def forward_of(appeal: Appeal) -> EmergencyForward | None:
    """The appeal's 112 record; None when it was never forwarded (a reverse one-to-one: select
    `emergency` with the appeal, or this costs a query)."""
    try:
        return appeal.emergency
    except ObjectDoesNotExist:
        return None


def _service_name(code: str) -> str:
    label = Service112(code).label if code in Service112.values else code
    return label.split(" — ", 1)[-1]  # "101 — өрт сөндіру / пожарная служба": the name's halves


def stages(forward: EmergencyForward) -> list[Stage]:
    """Forwarded, received, acknowledged, dispatched, on scene, then closed or rejected."""
    final = EmergencyStatus.REJECTED if forward.status == EmergencyStatus.REJECTED else EmergencyStatus.CLOSED
    times = (
        (EmergencyStatus.FORWARDED, forward.forwarded_at),
        (EmergencyStatus.RECEIVED, forward.received_at),
        (EmergencyStatus.ACKNOWLEDGED, forward.acknowledged_at),
        (EmergencyStatus.DISPATCHED, forward.dispatched_at),
        (EmergencyStatus.ON_SCENE, forward.on_scene_at),
        (final, forward.finished_at),
    )
    if final == EmergencyStatus.REJECTED:  # rejected from received or acknowledged: no later stage
        times = tuple(stage for stage in times if stage[1] is not None or stage[0] == final)
    return [Stage(status.value, status.label, at) for status, at in times]


def emergency(appeal: Appeal) -> Emergency | None:
    forward = forward_of(appeal)
    if forward is None:
        return None
    return Emergency(
        forward=forward,
        status_label=EmergencyStatus(forward.status).label,
        services=[(code, _service_name(code)) for code in forward.services],
        stages=stages(forward),
    )
