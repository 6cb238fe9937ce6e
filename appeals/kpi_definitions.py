"""What the KPIs count, defined once: the akimat's dashboard (`appeals.reads.kpis`, over its
appeals) and the region's read model (`regional.tallies` and `regional.rebuild`, over the facts the
akimat sends) both use these rules, so one akimat's figures are the same on either side.

Days are Asia/Almaty's.
- received: on the day of intake, every appeal except those transferred away (the receiving
  akimat counts its own); repeats: received appeals linked to an original as repeats;
- answered: the latest answer (done, not done, rejected) of an appeal with a deadline, neither
  cancelled nor transferred, on the day it was given; on time when by the deadline;
- closed: on the day of closing, appeals whose status is closed;
- open now: an active status (the SLA clock runs); overdue now: open and marked overdue by the
  akimat's SLA monitor.

Each rule exists twice, side by side: as a predicate on one appeal's values (the region's tallies
add appeal by appeal) and as a `Q` over a table with the same column names (`appeals_appeal`,
`regional_appealfact`). This module imports nothing of appeals but the status names, so the region
may import it (pyproject.toml's contracts).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Q

from appeals.states import ACTIVE_STATUSES, Status

ALMATY = ZoneInfo("Asia/Almaty")
NOT_RECEIVED = frozenset({Status.TRANSFERRED})
NOT_ANSWERED = frozenset({Status.CANCELLED, Status.TRANSFERRED})


def percent_of(part: int, whole: int) -> float | None:
    """part / whole in per cent to one decimal, rounded once from the exact ratio, half up (49 of 59
    is 83.1: a share rounded first, then its per cent, gave 83.0); None when whole is 0. Every page
    shows its percentages through this one rule."""
    if not whole:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def day_of(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ALMATY).date()


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a day in Asia/Almaty (a period's days are bounded by these)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ALMATY)


def is_received(status: str) -> bool:
    return status not in NOT_RECEIVED


def is_answered(
    status: str, resolved_at: datetime.datetime | None, deadline: datetime.datetime | None
) -> bool:
    return resolved_at is not None and deadline is not None and status not in NOT_ANSWERED


def is_on_time(resolved_at: datetime.datetime, deadline: datetime.datetime) -> bool:
    return resolved_at <= deadline


def is_closed(status: str, closed_at: datetime.datetime | None) -> bool:
    return closed_at is not None and status == Status.CLOSED


def is_open(status: str) -> bool:
    return status in ACTIVE_STATUSES


def is_overdue_now(status: str, overdue_at: datetime.datetime | None) -> bool:
    return is_open(status) and overdue_at is not None


# The same rules as filters (no period: callers bound the date column each one is counted on).
RECEIVED = ~Q(status__in=sorted(NOT_RECEIVED))
ANSWERED = Q(resolved_at__isnull=False, deadline__isnull=False) & ~Q(status__in=sorted(NOT_ANSWERED))
# Answered by the deadline (is_on_time); NULL in SQL when either moment is missing.
BY_DEADLINE = Q(resolved_at__lte=F("deadline"))
ON_TIME = ANSWERED & BY_DEADLINE
CLOSED = Q(status=Status.CLOSED, closed_at__isnull=False)
OPEN = Q(status__in=sorted(ACTIVE_STATUSES))
OVERDUE_NOW = OPEN & Q(overdue_at__isnull=False)
# Each period figure is counted on the day of one of the appeal's moments.
COUNTED_ON = {"received": "received_at", "answered": "resolved_at", "closed": "closed_at"}
