"""Nothing waits silently: an incident 112 has not acknowledged in time raises an alarm, once.

The alarm goes to the 109 supervisor of the source tenant and to the 112 duty officer (two rows).
The unique constraint (incident, kind, recipient) with INSERT … ON CONFLICT DO NOTHING makes
concurrent watchdog runs raise each alarm exactly once. The supervisor's alarm also travels to the
akimat as an `emergency_112.alarm` message (and again when it is resolved): akimats never read
the regional register. A CAD message in the dead letters raises the duty officer's alarm.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from federation.emergency_112.cad_outbox import CAD_KIND
from federation.emergency_112.documents import ALMATY
from federation.emergency_112.inbox import touch
from federation.emergency_112.models import (
    AlarmKind,
    AlarmRecipient,
    Incident,
    IncidentAlarm,
    IncidentState,
)
from federation.emergency_112.status_feedback import send_to_akimat

ALARM_KIND = "emergency_112.alarm"


def ack_timeout() -> timedelta:
    return timedelta(seconds=int(settings.EMERGENCY_ACK_TIMEOUT_SECONDS))


def raise_ack_alarms(now: object = None) -> list[IncidentAlarm]:
    """Raise the missing not-acknowledged alarms; returns only the alarms this call created."""
    now = now or timezone.now()
    overdue = (
        Incident.objects.filter(state=IncidentState.RECEIVED, awaiting_ack_since__lte=now - ack_timeout())
        .exclude(alarms__kind=AlarmKind.NOT_ACKNOWLEDGED)
        .only("id", "eido_id", "source_schema", "appeal_number", "awaiting_ack_since")
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
            new = _insert_new(rows)
            for alarm in new:
                if alarm.recipient == AlarmRecipient.SUPERVISOR_109:
                    tell_supervisor(alarm, incident)
            created += new
        touch({alarm.incident_id for alarm in created})  # the inbox shows the alarm
    return created


def _time(moment: object) -> str | None:
    return moment.astimezone(ALMATY).isoformat(timespec="milliseconds") if moment else None


def alarm_payload(alarm: IncidentAlarm, incident: Incident) -> dict[str, object]:
    return {
        "alarmId": alarm.pk,
        "appealNumber": incident.appeal_number,
        "incidentId": incident.eido_id,
        "kind": alarm.kind,
        "text": alarm.message,
        "raisedAt": _time(alarm.raised_at),
        "resolvedAt": _time(alarm.resolved_at),
    }


def tell_supervisor(alarm: IncidentAlarm, incident: Incident) -> None:
    """The alarm's current state to the akimat whose appeal it is (keyed per alarm: newest wins)."""
    send_to_akimat(
        ALARM_KIND,
        alarm_payload(alarm, incident),
        target=alarm.tenant_schema or incident.source_schema,
        ordering_key=f"alarm:{alarm.pk}",
    )


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
    """Resolve the incident's open alarms of a kind (in the caller's transaction); tell the akimat."""
    now = timezone.now()
    alarms = list(
        IncidentAlarm.objects.select_for_update().filter(
            incident=incident, kind=kind, resolved_at__isnull=True
        )
    )
    for alarm in alarms:
        alarm.resolved_at = now
        alarm.save(update_fields=["resolved_at"])
        if alarm.recipient == AlarmRecipient.SUPERVISOR_109:
            tell_supervisor(alarm, incident)
    if alarms:
        touch([incident.pk])
    return len(alarms)


# Dead CAD messages of incidents without a CAD alarm yet: one alarm per incident, raised once.
CAD_ALARMS_SQL = """
INSERT INTO emergency_112_incidentalarm (incident_id, kind, recipient, tenant_schema, message, raised_at)
SELECT DISTINCT ON (i.id) i.id, %s, %s, '', left(m.last_error, 500), now()
  FROM federation_message AS m
  JOIN emergency_112_incident AS i ON i.id = (m.payload ->> 'incident')::bigint
 WHERE m.kind = %s AND m.state = 'dead'
   AND NOT EXISTS (SELECT 1 FROM emergency_112_incidentalarm AS a
                    WHERE a.incident_id = i.id AND a.kind = %s AND a.recipient = %s)
 ORDER BY i.id, m.dead_at DESC
ON CONFLICT (incident_id, kind, recipient) DO NOTHING
RETURNING id
"""


def raise_cad_alarms() -> list[IncidentAlarm]:
    """An alarm to the 112 duty officer for each incident whose CAD document is in the dead letters."""
    kind, recipient = AlarmKind.CAD_UNDELIVERABLE.value, AlarmRecipient.DUTY_OFFICER_112.value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CAD_ALARMS_SQL, [kind, recipient, CAD_KIND, kind, recipient])
        ids = [row_id for (row_id,) in cursor.fetchall()]
        alarms = list(IncidentAlarm.objects.filter(id__in=ids))
        touch({alarm.incident_id for alarm in alarms})
    return alarms
