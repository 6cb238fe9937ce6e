"""Nothing waits silently: an incident 112 has not acknowledged in time raises an alarm, once.

The alarm goes to the 109 supervisor of the source tenant and to the 112 duty officer (two rows).
The unique constraint (incident, kind, recipient) with INSERT … ON CONFLICT DO NOTHING makes
concurrent watchdog runs raise each alarm exactly once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from federation.emergency_112.models import (
    AlarmKind,
    AlarmRecipient,
    Incident,
    IncidentAlarm,
    IncidentState,
)


def ack_timeout() -> timedelta:
    return timedelta(seconds=int(settings.EMERGENCY_ACK_TIMEOUT_SECONDS))


def raise_ack_alarms(now: object = None) -> list[IncidentAlarm]:
    """Raise the missing not-acknowledged alarms; returns only the alarms this call created."""
    now = now or timezone.now()
    overdue = (
        Incident.objects.filter(state=IncidentState.RECEIVED, awaiting_ack_since__lte=now - ack_timeout())
        .exclude(alarms__kind=AlarmKind.NOT_ACKNOWLEDGED)
        .only("id", "source_schema", "appeal_number", "awaiting_ack_since")
    )
    created: list[IncidentAlarm] = []
    with transaction.atomic():
        for incident in overdue:
            waited = int((now - incident.awaiting_ack_since).total_seconds())
            text = f"№ {incident.appeal_number}: 112 {waited} с қабылдамады / 112 не принял за {waited} с"  # noqa: RUF001 - Cyrillic UI text
            rows = [
                IncidentAlarm(
                    incident=incident,
                    kind=AlarmKind.NOT_ACKNOWLEDGED,
                    recipient=AlarmRecipient.SUPERVISOR_109,
                    tenant_schema=incident.source_schema,
                    message=text,
                ),
                IncidentAlarm(
                    incident=incident,
                    kind=AlarmKind.NOT_ACKNOWLEDGED,
                    recipient=AlarmRecipient.DUTY_OFFICER_112,
                    message=text,
                ),
            ]
            created += _insert_new(rows)
    return created


def _insert_new(rows: list[IncidentAlarm]) -> list[IncidentAlarm]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: only rows really inserted come back."""
    values, params = [], []
    for row in rows:
        values.append("(%s, %s, %s, %s, %s, %s)")
        params += [row.incident_id, row.kind, row.recipient, row.tenant_schema, row.message, row.raised_at]
    table = IncidentAlarm._meta.db_table
    sql = (
        f"INSERT INTO {table} (incident_id, kind, recipient, tenant_schema, message, raised_at) "  # noqa: S608
        f"VALUES {', '.join(values)} ON CONFLICT (incident_id, kind, recipient) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = {row_id for (row_id,) in cursor.fetchall()}
    return list(IncidentAlarm.objects.filter(id__in=ids))


def open_alarms(*, recipient: str | None = None, tenant_schema: str | None = None) -> QuerySet[IncidentAlarm]:
    """Unresolved alarms, e.g. for the 112 duty officer or for one tenant's 109 supervisor."""
    alarms = IncidentAlarm.objects.filter(resolved_at__isnull=True).select_related("incident")
    if recipient:
        alarms = alarms.filter(recipient=recipient)
    if tenant_schema:
        alarms = alarms.filter(tenant_schema=tenant_schema)
    return alarms


def resolve_alarms(incident: Incident, kind: str) -> int:
    return IncidentAlarm.objects.filter(incident=incident, kind=kind, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
