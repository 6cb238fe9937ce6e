"""The SLA monitor of one akimat (a periodic per-tenant task runs it): warns organisations before
the deadline, marks overdue appeals, escalates them to the supervisor and opens violations."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.utils import timezone

from appeals.events import SYSTEM, record_event
from appeals.jobs.notify import notify_overdue, notify_warning
from appeals.models import Appeal, EventKind, ViolationStatus
from appeals.states import ACTIVE_STATUSES
from appeals.violations.register import open_violation

logger = logging.getLogger(__name__)

# Appeals handled per run and step; the next run continues where this one stopped.
BATCH = 500


@dataclass
class SweepResult:
    warned: int = 0
    overdue: int = 0
    violations_opened: int = 0
    violations_refreshed: int = 0


def _active() -> object:
    return Appeal.objects.filter(status__in=ACTIVE_STATUSES, deadline__isnull=False)


def _warn_due(now: datetime.datetime) -> list[int]:
    warn_from = ExpressionWrapper(
        F("deadline") - F("category__warn_before_hours") * Value(datetime.timedelta(hours=1)),
        output_field=DateTimeField(),
    )
    return list(
        _active()
        .filter(warned_at__isnull=True, overdue_at__isnull=True, deadline__gt=now)
        .alias(warn_from=warn_from)
        .filter(warn_from__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:BATCH]
    )


def _overdue_due(now: datetime.datetime) -> list[int]:
    return list(
        _active()
        .filter(overdue_at__isnull=True, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:BATCH]
    )


def _locked(pk: int) -> Appeal | None:
    """The appeal if still active and not taken by a concurrent run (SKIP LOCKED)."""
    return (
        Appeal.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("category", "assignee")
        .filter(pk=pk, status__in=ACTIVE_STATUSES)
        .first()
    )


def warn(pk: int, now: datetime.datetime) -> bool:
    with transaction.atomic():
        appeal = _locked(pk)
        if appeal is None or appeal.warned_at is not None or appeal.deadline <= now:
            return False
        appeal.warned_at = now
        appeal.save(update_fields=["warned_at"])
        record_event(appeal, EventKind.SLA_WARNING, SYSTEM, data={"deadline": appeal.deadline.isoformat()})
        if appeal.organisation_id is not None:
            notify_warning(appeal)
        return True


def mark_overdue(pk: int, now: datetime.datetime) -> tuple[bool, bool]:
    """(marked, violation opened)."""
    with transaction.atomic():
        appeal = _locked(pk)
        if appeal is None or appeal.overdue_at is not None or appeal.deadline > now:
            return False, False
        appeal.overdue_at = now
        appeal.escalated_at = now
        appeal.save(update_fields=["overdue_at", "escalated_at"])
        record_event(appeal, EventKind.OVERDUE, SYSTEM, data={"deadline": appeal.deadline.isoformat()})
        notify_overdue(appeal)
        record_event(appeal, EventKind.ESCALATED, SYSTEM, data={"to_role": "supervisor"})
        _, created = open_violation(appeal, now)
        return True, created


def refresh_open_violations(now: datetime.datetime) -> int:
    """Hours overdue grow while the appeal stays unanswered (one UPDATE for the whole register)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE appeals_violation v
               SET hours_overdue = round((extract(epoch FROM %s - v.deadline) / 3600)::numeric, 2),
                   updated_at = %s
              FROM appeals_appeal a
             WHERE a.id = v.appeal_id AND a.deadline = v.deadline AND a.status = ANY(%s)
               AND v.status <> %s
            """,
            [now, now, sorted(ACTIVE_STATUSES), ViolationStatus.CLOSED],
        )
        return cursor.rowcount


def sweep(now: datetime.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    for pk in _warn_due(now):
        result.warned += warn(pk, now)
    for pk in _overdue_due(now):
        marked, opened = mark_overdue(pk, now)
        result.overdue += marked
        result.violations_opened += opened
    result.violations_refreshed = refresh_open_violations(now)
    logger.info("sla sweep", extra={"schema": connection.schema_name, **result.__dict__})
    return result
