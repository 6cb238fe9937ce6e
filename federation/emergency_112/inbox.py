"""What the 112 dispatchers' inbox shows: open incidents by priority and age, recent finished ones."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from federation.emergency_112 import states
from federation.emergency_112.documents import ALMATY
from federation.emergency_112.models import FINAL_STATES, Incident, IncidentAlarm, IncidentState
from federation.emergency_112.services import NAMES, Service

INBOX_LIMIT = 200
FINISHED_VISIBLE = timedelta(hours=12)


def inbox_incidents() -> QuerySet[Incident]:
    """Open incidents first, highest priority (1) first, newest first; a fixed number of queries."""
    recent = timezone.now() - FINISHED_VISIBLE
    return (
        Incident.objects.exclude(state__in=FINAL_STATES, finished_at__lt=recent)
        .select_related("source_akimat")
        .prefetch_related(
            Prefetch(
                "alarms",
                queryset=IncidentAlarm.objects.filter(resolved_at__isnull=True).order_by("id"),
                to_attr="open_alarms",
            )
        )
        .annotate(
            finished=Case(
                When(state__in=FINAL_STATES, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .defer("document")
        .order_by("finished", "priority", "-received_at", "-id")[:INBOX_LIMIT]
    )


def _time(moment: object) -> str | None:
    return moment.astimezone(ALMATY).isoformat(timespec="seconds") if moment else None


def incident_json(incident: Incident) -> dict[str, object]:
    akimat = incident.source_akimat
    state = IncidentState(incident.state)
    return {
        "id": incident.id,
        "eido_id": incident.eido_id,
        "appeal_number": incident.appeal_number,
        "akimat": {"kk": akimat.name_kk, "ru": akimat.name_ru, "schema": incident.source_schema},
        "services": [
            {"code": code, "kk": NAMES[Service(code)][0], "ru": NAMES[Service(code)][1]}
            for code in incident.services
        ],
        "priority": incident.priority,
        "state": state.value,
        "state_label": state.label,
        "allowed": states.allowed_from(state),
        "is_new": state == IncidentState.RECEIVED,
        "category": {"kk": incident.category_kk, "ru": incident.category_ru},
        "caller": {
            "name": incident.caller_name,
            "phone": incident.caller_phone,
            "callback": incident.callback_number,
            "language": incident.caller_language,
        },
        "address": incident.address_text,
        "latitude": incident.location.y if incident.location else None,
        "longitude": incident.location.x if incident.location else None,
        "accuracy_m": incident.accuracy_m,
        "map_object": incident.map_object_name,
        "notes": incident.notes,
        "unit": incident.unit,
        "rejection_note": incident.rejection_note,
        "version": incident.document_version,
        "received_at": _time(incident.received_at),
        "received_local": incident.received_at.astimezone(ALMATY).strftime("%d.%m %H:%M:%S"),
        "acknowledged_at": _time(incident.acknowledged_at),
        "dispatched_at": _time(incident.dispatched_at),
        "on_scene_at": _time(incident.on_scene_at),
        "finished_at": _time(incident.finished_at),
        "alarms": _alarms(getattr(incident, "open_alarms", [])),
    }


def _alarms(alarms: list[IncidentAlarm]) -> list[dict[str, object]]:
    """One entry per alarm kind with everyone it went to (the rows are per recipient)."""
    by_kind: dict[str, dict[str, object]] = {}
    for alarm in alarms:
        entry = by_kind.setdefault(
            alarm.kind, {"kind": alarm.kind, "message": alarm.message, "recipients": []}
        )
        entry["recipients"].append(alarm.recipient)
    return list(by_kind.values())
