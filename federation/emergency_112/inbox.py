"""What the 112 dispatchers' inbox reads, each list a fixed number of queries on its own index:

- open incidents, paged (`PAGE` a page), highest priority (1) first, then the longest waiting
  first (received_at ascending: age is how long the caller has waited), on the partial index
  `emergency_inbox_open` (state not final) whose key is the order;
- the newest incidents nobody has accepted yet (`NEWEST` of them, newest first) on
  `emergency_awaiting_ack`: the strip on top of the page, so a new one is on the first screen
  whatever the size of the list;
- the incidents finished in the last 12 h (`FINISHED_SHOWN`, newest first) on
  `emergency_inbox_finished`;
- the 112 duty officer's open alarms counted by kind (one bar, not one banner an incident);
- the change marker the page's poll compares: the newest `updated_at` and a digest of the rows
  stamped just before it (a step, a document, an alarm raised or resolved all touch the incident).

Every list takes the same filters: a service (101-104), an akimat, incidents with an open alarm of
one kind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.utils import timezone

from federation.emergency_112 import states
from federation.emergency_112.documents import ALMATY
from federation.emergency_112.models import (
    FINAL_STATES,
    AlarmKind,
    AlarmRecipient,
    Incident,
    IncidentAlarm,
    IncidentState,
)
from federation.emergency_112.services import NAMES, Service

PAGE = 50
NEWEST = 5
FINISHED_SHOWN = 20
FINISHED_VISIBLE = timedelta(hours=12)


@dataclass(frozen=True)
class Filters:
    """What the dispatcher narrowed the inbox to (validated by the caller: `parse_filters`)."""

    service: str = ""  # "101" … "104"
    akimat_id: int | None = None
    alarm: str = ""  # an AlarmKind: incidents with an open alarm of that kind

    def apply(self, incidents: QuerySet[Incident]) -> QuerySet[Incident]:
        if self.service:
            incidents = incidents.filter(services__contains=[self.service])
        if self.akimat_id is not None:
            incidents = incidents.filter(source_akimat_id=self.akimat_id)
        if self.alarm:
            incidents = incidents.filter(
                Exists(
                    IncidentAlarm.objects.filter(
                        incident=OuterRef("pk"), kind=self.alarm, resolved_at__isnull=True
                    )
                )
            )
        return incidents


class FilterError(ValueError):
    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{field}: {value!r} is not a known value")
        self.field = field
        self.value = value


def parse_filters(service: str, akimat_id: int | None, alarm: str) -> Filters:
    """The filters, or FilterError naming the first unknown value."""
    if service and service not in {code.value for code in Service}:
        raise FilterError("service", service)
    if alarm and alarm not in AlarmKind.values:
        raise FilterError("alarm", alarm)
    return Filters(service=service, akimat_id=akimat_id, alarm=alarm)


def shown(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """What a row needs: its akimat and its open alarms in the same statement (one query a list,
    also when it is empty), not the document."""
    alarms = (
        IncidentAlarm.objects.filter(incident=OuterRef("pk"), resolved_at__isnull=True)
        .order_by("id")
        .values(json=JSONObject(kind="kind", recipient="recipient", message="message"))
    )
    return (
        incidents.select_related("source_akimat")
        .annotate(open_alarms=ArraySubquery(alarms))
        .defer("document")
    )


def open_incidents(filters: Filters = Filters()) -> QuerySet[Incident]:
    """Open incidents in the inbox's order (the key of `emergency_inbox_open`), not yet paged."""
    return filters.apply(Incident.objects.exclude(state__in=FINAL_STATES)).order_by(
        "priority", "received_at", "id"
    )


def open_count(filters: Filters = Filters()) -> int:
    return open_incidents(filters).order_by().count()


def open_page(filters: Filters = Filters(), page: int = 1) -> list[Incident]:
    """One page (from 1) of open incidents; a page past the end is empty."""
    start = (max(page, 1) - 1) * PAGE
    return list(shown(open_incidents(filters))[start : start + PAGE])


def newest_awaiting(filters: Filters = Filters()) -> list[Incident]:
    """The newest incidents waiting to be accepted, newest first (waiting again counts as new)."""
    awaiting = filters.apply(Incident.objects.filter(state=IncidentState.RECEIVED))
    return list(shown(awaiting).order_by("-awaiting_ack_since", "-id")[:NEWEST])


def recently_finished(filters: Filters = Filters(), now: datetime.datetime | None = None) -> list[Incident]:
    since = (now or timezone.now()) - FINISHED_VISIBLE
    finished = filters.apply(Incident.objects.filter(state__in=FINAL_STATES, finished_at__gte=since))
    return list(shown(finished).order_by("-finished_at", "-id")[:FINISHED_SHOWN])


def alarm_counts(recipient: str = AlarmRecipient.DUTY_OFFICER_112) -> dict[str, int]:
    """Open alarms of a recipient by kind, every kind present (0 when none)."""
    rows = (
        IncidentAlarm.objects.filter(resolved_at__isnull=True, recipient=recipient)
        .values("kind")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(AlarmKind.values, 0)
    counts.update({row["kind"]: row["count"] for row in rows})
    return counts


# Commits are not in the order of their stamps: a transaction stamps `updated_at` when it writes
# and commits later, possibly after a later stamp was seen. So the marker is the newest stamp and a
# digest of every row stamped within SETTLE before it: a late commit stamped in that window changes
# the digest. SETTLE is longer than any transaction that writes an incident takes.
SETTLE = timedelta(seconds=5)
MARKER_SQL = """
SELECT count(*), md5(string_agg(id::text || '@' || (extract(epoch FROM updated_at) * 1000000)::bigint::text,
                                ',' ORDER BY id))
  FROM emergency_112_incident
 WHERE updated_at >= (SELECT max(updated_at) FROM emergency_112_incident) - %s
"""


def change_marker() -> str:
    """What anything the inbox shows last changed to: one statement on `emergency_incident_updated`
    (the newest stamp, then the few rows stamped just before it)."""
    with connection.cursor() as cursor:
        cursor.execute(MARKER_SQL, [SETTLE])
        count, digest = cursor.fetchone()
    return f"{count}-{digest[:16]}" if count else "none"


def touch(incident_ids: list[int] | set[int]) -> None:
    """An alarm raised or resolved changes what the inbox shows of its incident: move the marker."""
    if incident_ids:
        Incident.objects.filter(id__in=incident_ids).update(updated_at=timezone.now())


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


def _alarms(alarms: list[dict[str, str]]) -> list[dict[str, object]]:
    """One entry per alarm kind with everyone it went to (the rows are per recipient)."""
    by_kind: dict[str, dict[str, object]] = {}
    for alarm in alarms:
        entry = by_kind.setdefault(
            alarm["kind"], {"kind": alarm["kind"], "message": alarm["message"], "recipients": []}
        )
        entry["recipients"].append(alarm["recipient"])
    return list(by_kind.values())
