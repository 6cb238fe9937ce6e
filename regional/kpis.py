"""The regional KPIs, read from the tallies: a fixed handful of SQL statements per question, whatever
the number of akimats (no query per schema, ever: the region never reads an akimat's schema)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from appeals.kpi_definitions import percent_of
from appeals.rules.moments import DAY_OUT_OF_RANGE, OUT_OF_RANGE, within_calendar
from appeals.states import ACTIVE_STATUSES
from regional.errors import RegionalError
from regional.histogram import COLUMNS, percentile_seconds
from regional.models import ALL, CategoryLabel, EscalationState
from regional.tallies import DAILY_COUNTERS

ALMATY = ZoneInfo("Asia/Almaty")
DEFAULT_DAYS = 30
IN_WORK = (EscalationState.OPEN, EscalationState.ACCEPTED)
GRANULARITIES = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def of(cls, start: datetime.date | None, end: datetime.date | None) -> Period:
        """The given days (Asia/Almaty), by default the last 30 days up to today."""
        if not (within_calendar(start) and within_calendar(end)):
            raise RegionalError.of("period", OUT_OF_RANGE, DAY_OUT_OF_RANGE)
        today = timezone.now().astimezone(ALMATY).date()
        end = end or today
        start = start or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise RegionalError.of("period", "invalid", "Басы соңынан кейін / Начало позже конца периода")
        if (end - start).days >= settings.REGIONAL_MAX_PERIOD_DAYS:
            raise RegionalError.of(
                "period",
                "too_long",
                f"{settings.REGIONAL_MAX_PERIOD_DAYS} күннен аспауы керек / не длиннее "
                f"{settings.REGIONAL_MAX_PERIOD_DAYS} дней",
            )
        return cls(start, end)


@dataclass
class Kpis:
    received: int = 0
    repeats: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    closed: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * len(COLUMNS))
    by_status: dict[str, tuple[int, int]] = field(default_factory=dict)  # status -> (count, overdue)
    escalated_now: int = 0

    @property
    def sla_compliance(self) -> float | None:
        return round(self.resolved_on_time / self.resolved, 4) if self.resolved else None

    @property
    def repeat_share(self) -> float | None:
        return round(self.repeats / self.received, 4) if self.received else None

    @property
    def sla_percent(self) -> float | None:
        return percent_of(self.resolved_on_time, self.resolved)

    @property
    def repeat_percent(self) -> float | None:
        return percent_of(self.repeats, self.received)

    def hours_to_close(self, share: float) -> float | None:
        seconds = percentile_seconds(self.histogram, share)
        return round(seconds / 3600, 2) if seconds is not None else None

    @property
    def open_now(self) -> int:
        return sum(count for status, (count, _) in self.by_status.items() if status in ACTIVE_STATUSES)

    @property
    def overdue_now(self) -> int:
        return sum(overdue for _, overdue in self.by_status.values())

    def add(self, other: Kpis) -> None:
        """Another scope's figures added to these (a sum of akimats); the histogram stays its own."""
        self.received += other.received
        self.repeats += other.repeats
        self.resolved += other.resolved
        self.resolved_on_time += other.resolved_on_time
        self.closed += other.closed
        self.escalated_now += other.escalated_now
        for status, (count, overdue) in other.by_status.items():
            before = self.by_status.get(status, (0, 0))
            self.by_status[status] = (before[0] + count, before[1] + overdue)

    def add_period(self, row: tuple) -> None:
        received, repeats, resolved, on_time, closed, *buckets = row
        self.received += received
        self.repeats += repeats
        self.resolved += resolved
        self.resolved_on_time += on_time
        self.closed += closed
        self.histogram = [a + b for a, b in zip(self.histogram, buckets, strict=True)]


def categories_of(code: str | None) -> list[str]:
    """Tally categories for a filter: all ("*"), one code, or a group with its sub-categories."""
    if not code:
        return [ALL]
    children = list(CategoryLabel.objects.filter(parent=code).values_list("code", flat=True))
    return [code, *children]


_SUMS = ", ".join(f"COALESCE(sum({name}), 0)::int" for name in DAILY_COUNTERS)


def _period_rows(scopes: list[str], categories: list[str], period: Period, by: str) -> list[tuple]:
    """Summed daily tallies grouped by `by` (a column or expression), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {by}, {_SUMS} FROM regional_dailytally "  # noqa: S608 (fixed expressions)
            "WHERE scope = ANY(%s) AND category = ANY(%s) AND day BETWEEN %s AND %s "
            f"GROUP BY 1",
            [scopes, categories, period.start, period.end],
        )
        return cursor.fetchall()


def _snapshot_rows(scopes: list[str], categories: list[str]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT scope, status, sum(count)::int, sum(overdue)::int FROM regional_statuscount "
            "WHERE scope = ANY(%s) AND category = ANY(%s) GROUP BY scope, status",
            [scopes, categories],
        )
        return cursor.fetchall()


def _escalations_in_work(schemas: list[str] | None, categories: list[str]) -> dict[str, int]:
    """Escalations in work per akimat (all akimats when `schemas` is None)."""
    sql = "SELECT schema, count(*)::int FROM regional_escalation WHERE state = ANY(%s)"
    params: list[object] = [list(IN_WORK)]
    if schemas is not None:
        sql += " AND schema = ANY(%s)"
        params.append(schemas)
    if categories != [ALL]:
        sql += " AND category = ANY(%s)"
        params.append(categories)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY schema", params)
        return dict(cursor.fetchall())


def kpis_by_scope(scopes: list[str], category: str | None, period: Period) -> dict[str, Kpis]:
    """KPIs of each scope ("*" = the region, or akimats' schemas): three statements in all."""
    categories = categories_of(category)
    result = {scope: Kpis() for scope in scopes}
    for scope, *sums in _period_rows(scopes, categories, period, "scope"):
        result[scope].add_period(tuple(sums))
    for scope, status, count, overdue in _snapshot_rows(scopes, categories):
        result[scope].by_status[status] = (count, overdue)
    region_wide = scopes == [ALL]
    in_work = _escalations_in_work(None if region_wide else scopes, categories)
    for scope, kpis in result.items():
        kpis.escalated_now = sum(in_work.values()) if region_wide else in_work.get(scope, 0)
    return result


def region_kpis(category: str | None, period: Period) -> Kpis:
    return kpis_by_scope([ALL], category, period)[ALL]


def category_kpis(scope: str, period: Period) -> dict[str, Kpis]:
    """Per category code of one scope (an akimat or the region)."""
    result: dict[str, Kpis] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT category, {_SUMS} FROM regional_dailytally "  # noqa: S608 (fixed expressions)
            "WHERE scope = %s AND category <> %s AND day BETWEEN %s AND %s GROUP BY category",
            [scope, ALL, period.start, period.end],
        )
        for category, *sums in cursor.fetchall():
            result.setdefault(category, Kpis()).add_period(tuple(sums))
        cursor.execute(
            "SELECT category, status, count, overdue FROM regional_statuscount "
            "WHERE scope = %s AND category <> %s",
            [scope, ALL],
        )
        for category, status, count, overdue in cursor.fetchall():
            if count or overdue:
                result.setdefault(category, Kpis()).by_status[status] = (count, overdue)
        sql = "SELECT category, count(*)::int FROM regional_escalation WHERE state = ANY(%s)"
        params: list[object] = [list(IN_WORK)]
        if scope != ALL:
            sql += " AND schema = %s"
            params.append(scope)
        cursor.execute(sql + " GROUP BY category", params)
        for category, count in cursor.fetchall():
            result.setdefault(category, Kpis()).escalated_now = count
    return result


@dataclass
class Point:
    start: datetime.date
    end: datetime.date
    kpis: Kpis


def _bucket_start(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == "week":
        return day - datetime.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next(start: datetime.date, granularity: str) -> datetime.date:
    if granularity == "week":
        return start + datetime.timedelta(days=7)
    if granularity == "month":
        return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start + datetime.timedelta(days=1)


def time_series(scope: str, category: str | None, period: Period, granularity: str) -> list[Point]:
    """One point per day, week (from Monday) or month of the period, empty ones included."""
    if granularity not in GRANULARITIES:
        raise RegionalError.of("granularity", "invalid", f"{granularity!r}: day, week or month")
    bucket = f"date_trunc('{granularity}', day)::date"
    rows = {row[0]: row[1:] for row in _period_rows([scope], categories_of(category), period, bucket)}
    points = []
    start = _bucket_start(period.start, granularity)
    while start <= period.end:
        end = min(_next(start, granularity) - datetime.timedelta(days=1), period.end)
        kpis = Kpis()
        if start in rows:
            kpis.add_period(tuple(rows[start]))
        points.append(Point(max(start, period.start), end, kpis))
        start = _next(start, granularity)
    return points
