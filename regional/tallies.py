"""What one appeal adds to the tallies, and the change between two of its states.

An appeal's contribution is a function of its state alone, so applying a newer state is "remove
the old contribution, add the new one": counts stay right however the states arrive, and a rebuild
from the facts (regional.rebuild) gives the same numbers.

KPI definitions (days in Asia/Almaty):
- received on the day of intake, every appeal except those transferred away (the receiving akimat
  counts its own); repeats: those linked to an original as repeats;
- answered (resolved) on the day of the latest answer (done, not done, rejected) of appeals with a
  deadline, neither cancelled nor transferred; on time when answered by the deadline;
- closed on the day of closing, with its time to close (closed - received) in the histogram;
- status counts: every appeal by its current status; overdue among them: open (active status) and
  marked overdue by the akimat's SLA monitor.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from appeals import kpi_definitions as rules
from appeals.kpi_definitions import day_of
from regional.histogram import COLUMNS, bucket_of
from regional.models import ALL

DAILY_COUNTERS = ("received", "repeats", "resolved", "resolved_on_time", "closed", *COLUMNS)
STATUS_COUNTERS = ("count", "overdue")


@dataclass(frozen=True)
class Fact:
    category: str
    status: str
    received_at: datetime.datetime
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    deadline: datetime.datetime | None
    overdue_at: datetime.datetime | None
    is_repeat: bool


def _daily(fact: Fact) -> dict[tuple[str, datetime.date], dict[str, int]]:
    parts: dict[tuple[str, datetime.date], dict[str, int]] = defaultdict(dict)
    if rules.is_received(fact.status):
        cell = parts[(fact.category, day_of(fact.received_at))]
        cell["received"] = 1
        if fact.is_repeat:
            cell["repeats"] = 1
    if rules.is_answered(fact.status, fact.resolved_at, fact.deadline):
        cell = parts[(fact.category, day_of(fact.resolved_at))]
        cell["resolved"] = 1
        if rules.is_on_time(fact.resolved_at, fact.deadline):
            cell["resolved_on_time"] = 1
    if rules.is_closed(fact.status, fact.closed_at):
        cell = parts[(fact.category, day_of(fact.closed_at))]
        cell["closed"] = 1
        seconds = (fact.closed_at - fact.received_at).total_seconds()
        cell[COLUMNS[bucket_of(seconds)]] = 1
    return parts


def _status(fact: Fact) -> dict[tuple[str, str], dict[str, int]]:
    overdue = int(rules.is_overdue_now(fact.status, fact.overdue_at))
    return {(fact.category, fact.status): {"count": 1, "overdue": overdue}}


def _scoped(
    schema: str, parts: dict[tuple[str, object], dict[str, int]], sign: int, into: dict[tuple, dict[str, int]]
) -> None:
    """Add (sign = 1) or remove (-1) a contribution in the akimat's and the region's scopes, for its
    category and for all categories."""
    for (category, key), counters in parts.items():
        for scope in (schema, ALL):
            for cat in (category, ALL):
                cell = into[(scope, cat, key)]
                for name, value in counters.items():
                    cell[name] = cell.get(name, 0) + sign * value


@dataclass
class Changes:
    status: dict[tuple, dict[str, int]]
    daily: dict[tuple, dict[str, int]]


def changes(schema: str, pairs: list[tuple[Fact | None, Fact]]) -> Changes:
    """Tally changes for (old, new) state pairs of one akimat's appeals; rows that net to zero dropped."""
    status: dict[tuple, dict[str, int]] = defaultdict(dict)
    daily: dict[tuple, dict[str, int]] = defaultdict(dict)
    for old, new in pairs:
        if old is not None:
            _scoped(schema, _status(old), -1, status)
            _scoped(schema, _daily(old), -1, daily)
        _scoped(schema, _status(new), 1, status)
        _scoped(schema, _daily(new), 1, daily)
    return Changes(
        status={key: cell for key, cell in status.items() if any(cell.values())},
        daily={key: cell for key, cell in daily.items() if any(cell.values())},
    )
