"""Writing simulated appeals with COPY: thousands of rows in a few statements, no model saves and
no signals. Ids and numbers are reserved from the tenant's own sequences first."""

from __future__ import annotations

from django.db import connection
from psycopg.types.json import Jsonb

from appeals.violations.register import opened_comment
from demo.appeals.simulate import DemoAppeal, Event

APPEAL_COLUMNS = (
    "id",
    "number",
    "status",
    "status_changed_at",
    "channel",
    "client_key",
    "applicant_name",
    "applicant_phone",
    "applicant_iin",
    "address",
    "location",
    "object_key",
    "description",
    "category_id",
    "priority",
    "organisation_id",
    "assignee_id",
    "received_at",
    "registered_at",
    "assigned_at",
    "resolved_at",
    "informed_at",
    "closed_at",
    "deadline",
    "warned_at",
    "overdue_at",
    "escalated_at",
    "resolution",
    "cancel_reason",
    "parent_id",
    "repeat_count",
    "reopen_count",
    "callback_reached",
    "callback_satisfied",
)
COPY_APPEALS = "COPY appeals_appeal (" + ", ".join(APPEAL_COLUMNS) + ") FROM STDIN"
COPY_EVENTS = (
    "COPY appeals_appealevent (appeal_id, kind, from_status, to_status, transition, actor_subject, "
    "actor_name, actor_role, at, comment, data) FROM STDIN"
)
COPY_CALLBACKS = (
    "COPY appeals_callbackattempt (appeal_id, contact_id, at, operator_subject, operator_name, "
    "reached, satisfied, comment) FROM STDIN"
)
COPY_VIOLATIONS = (
    "COPY appeals_violation (id, appeal_id, organisation_id, person_id, deadline, detected_at, "
    "hours_overdue, status, explanation, sanction, closing_note, updated_at) FROM STDIN"
)
COPY_VIOLATION_EVENTS = (
    "COPY appeals_violationevent (violation_id, from_status, to_status, actor_subject, actor_name, "
    "actor_role, at, comment) FROM STDIN"
)


def _reserve(cursor: object, sequence: str, count: int) -> list[int]:
    """`count` values of a sequence of the current schema, in one round trip."""
    cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
    return [row[0] for row in cursor.fetchall()]


def _id_sequence(cursor: object, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cursor.fetchone()[0]


def _event_data(data: dict, numbers: list[int]) -> dict:
    """Simulated events name other appeals by index; the log names them by number."""
    mapped = dict(data)
    for key in ("original", "repeat"):
        if key in mapped:
            mapped[key] = numbers[mapped[key]]
    return mapped


def write(appeals: list[DemoAppeal]) -> dict[str, int]:
    counts = {"appeals": len(appeals), "events": 0, "callbacks": 0, "violations": 0}
    if not appeals:
        return counts
    with connection.cursor() as cursor:
        ids = _reserve(cursor, _id_sequence(cursor, "appeals_appeal"), len(appeals))
        numbers = _reserve(cursor, "appeals_appeal_number_seq", len(appeals))
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy(COPY_APPEALS) as copy:
            for appeal in appeals:
                f = appeal.fields
                values = {
                    **f,
                    "id": ids[appeal.index],
                    "number": numbers[appeal.index],
                    "location": f"SRID=4326;POINT({f['lon']} {f['lat']})",
                    "parent_id": ids[appeal.parent] if appeal.parent is not None else None,
                    "repeat_count": appeal.repeat_count,
                }
                copy.write_row([values.get(column) for column in APPEAL_COLUMNS])
        with raw.copy(COPY_EVENTS) as copy:
            for appeal in appeals:
                for event in sorted(appeal.events, key=lambda e: e.at):
                    copy.write_row(_event_row(ids[appeal.index], event, numbers))
                    counts["events"] += 1
        with raw.copy(COPY_CALLBACKS) as copy:
            for appeal in appeals:
                for callback in appeal.callbacks:
                    copy.write_row(
                        [
                            ids[appeal.index],
                            ids[callback.contact],
                            callback.at,
                            *callback.operator,
                            callback.reached,
                            callback.satisfied,
                            "",
                        ]
                    )
                    counts["callbacks"] += 1
        violations = [(appeal, v) for appeal in appeals for v in appeal.violations]
        violation_ids = (
            _reserve(cursor, _id_sequence(cursor, "appeals_violation"), len(violations)) if violations else []
        )
        with raw.copy(COPY_VIOLATIONS) as copy:
            for (appeal, v), pk in zip(violations, violation_ids, strict=True):
                updated = v.events[-1].at if v.events else v.detected_at
                copy.write_row(
                    [
                        pk,
                        ids[appeal.index],
                        v.organisation_id,
                        v.person_id,
                        v.deadline,
                        v.detected_at,
                        v.hours_overdue,
                        v.status,
                        v.explanation,
                        v.sanction,
                        v.closing_note,
                        updated,
                    ]
                )
        with raw.copy(COPY_VIOLATION_EVENTS) as copy:
            for (appeal, v), pk in zip(violations, violation_ids, strict=True):
                for event in v.events:
                    # The opening entry as the real register writes it (appeals.violations.register).
                    opening = not event.from_status and event.to_status == "open"
                    comment = opened_comment(numbers[appeal.index]) if opening else event.comment
                    copy.write_row([pk, event.from_status, event.to_status, *event.actor, event.at, comment])
        counts["violations"] = len(violations)
    return counts


def _event_row(appeal_id: int, event: Event, numbers: list[int]) -> list[object]:
    subject, name, role = event.actor
    return [
        appeal_id,
        event.kind,
        event.from_status,
        event.to_status,
        event.transition,
        subject,
        name,
        role,
        event.at,
        event.comment,
        Jsonb(_event_data(event.data, numbers)),
    ]
