"""The akimat's own KPIs, from its appeals, by the rules of `appeals.kpi_definitions` (the region's
read model counts by the same rules, so the figures agree): figures of a period and of now, the same
by organisation, category or responsible person, a time series, the period's points on the map,
and the appeals behind any figure.

Each answer is one SQL statement whatever the number of appeals: the figures an aggregate, a
breakdown (or the figures with all three breakdowns) a grouped aggregate, a time series three
grouped parts in one UNION ALL, a list of appeals its page (and its count).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    JSONField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from appeals import kpi_definitions as rules
from appeals.errors import AppealError
from appeals.models import Appeal, Category, Organisation, ResponsiblePerson
from appeals.reads.worklists import DUE_SOON
from appeals.rules.access import EVERYTHING, Reach
from appeals.rules.moments import checked_day
from appeals.states import Status

DEFAULT_DAYS = 30
NONE = "-"  # a filter value meaning "not set on the appeal" (no category, organisation or person)
MAP_POINTS_MAX = 5000


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def of(cls, start: datetime.date | None = None, end: datetime.date | None = None) -> Period:
        """The given days (Asia/Almaty), by default the last 30 days up to today (as the region's)."""
        start, end = checked_day(start, "period"), checked_day(end, "period")
        end = end or timezone.now().astimezone(rules.ALMATY).date()
        start = start or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise AppealError.of("period", "invalid", "Басы соңынан кейін / Начало позже конца периода")
        longest = settings.REGIONAL_MAX_PERIOD_DAYS  # the region's limit: the same questions on both sides
        if (end - start).days >= longest:
            raise AppealError.of(
                "period", "too_long", f"{longest} күннен аспауы керек / не длиннее {longest} дней"
            )
        return cls(start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def counted_on(self, column: str) -> Q:
        """Appeals whose `column` moment falls on one of the period's days."""
        return Q(
            **{
                f"{column}__gte": rules.day_start(self.start),
                f"{column}__lt": rules.day_start(self.end + datetime.timedelta(days=1)),
            }
        )


@dataclass(frozen=True)
class Scope:
    """Which appeals: all, or of a category (a code, or a group with its sub-categories), an
    organisation (code), a responsible person (id); `NONE` asks for appeals without one."""

    category: str = ""
    organisation: str = ""
    person: str = ""

    def q(self) -> Q:
        query = Q()
        if self.category == NONE:
            query &= Q(category__isnull=True)
        elif self.category:
            query &= Q(category__code=self.category) | Q(category__parent__code=self.category)
        if self.organisation == NONE:
            query &= Q(organisation__isnull=True)
        elif self.organisation:
            query &= Q(organisation__code=self.organisation)
        if self.person == NONE:
            query &= Q(assignee__isnull=True)
        elif self.person:
            query &= Q(assignee_id=int(self.person))
        return query


ALL = Scope()


class Figure(StrEnum):
    """Every figure a person can drill into: the period's, then now's."""

    RECEIVED = "received"
    REPEATS = "repeats"
    ANSWERED = "answered"
    ANSWERED_ON_TIME = "answered_on_time"
    ANSWERED_LATE = "answered_late"
    CLOSED = "closed"
    OPEN_NOW = "open_now"
    OVERDUE_NOW = "overdue_now"
    DUE_SOON = "due_soon"


def _due_soon(now: datetime.datetime) -> Q:
    # The operator's "due within 24 h" list: open, not yet marked overdue, deadline within a day.
    return rules.OPEN & Q(overdue_at__isnull=True, deadline__lte=now + DUE_SOON)


def figure_filter(figure: Figure, period: Period, now: datetime.datetime) -> Q:
    """The appeals a figure counts."""
    received = rules.RECEIVED & period.counted_on(rules.COUNTED_ON["received"])
    answered = rules.ANSWERED & period.counted_on(rules.COUNTED_ON["answered"])
    return {
        Figure.RECEIVED: received,
        Figure.REPEATS: received & Q(parent__isnull=False),
        Figure.ANSWERED: answered,
        Figure.ANSWERED_ON_TIME: answered & rules.ON_TIME,
        Figure.ANSWERED_LATE: answered & ~rules.ON_TIME,
        Figure.CLOSED: rules.CLOSED & period.counted_on(rules.COUNTED_ON["closed"]),
        Figure.OPEN_NOW: rules.OPEN,
        Figure.OVERDUE_NOW: rules.OVERDUE_NOW,
        Figure.DUE_SOON: _due_soon(now),
    }[figure]


# Counted in the aggregates (answered late is answered minus on time).
COUNTED = tuple(figure for figure in Figure if figure is not Figure.ANSWERED_LATE)


@dataclass
class Figures:
    received: int = 0
    repeats: int = 0
    answered: int = 0
    answered_on_time: int = 0
    closed: int = 0
    open_now: int = 0
    overdue_now: int = 0
    due_soon: int = 0

    @property
    def answered_late(self) -> int:
        return self.answered - self.answered_on_time

    @property
    def sla_compliance(self) -> float | None:
        """Answered on time / answered (rounded as the region rounds); None when none was answered."""
        return round(self.answered_on_time / self.answered, 4) if self.answered else None

    @property
    def repeat_share(self) -> float | None:
        return round(self.repeats / self.received, 4) if self.received else None

    @property
    def sla_percent(self) -> float | None:
        return rules.percent_of(self.answered_on_time, self.answered)

    @property
    def repeat_percent(self) -> float | None:
        return rules.percent_of(self.repeats, self.received)

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _counts(period: Period, now: datetime.datetime) -> dict[str, Count]:
    return {figure.value: Count("id", filter=figure_filter(figure, period, now)) for figure in COUNTED}


def _touched(period: Period) -> Q:
    """Appeals any figure may count: fewer rows to aggregate over than the whole table."""
    return (
        period.counted_on("received_at")
        | period.counted_on("resolved_at")
        | period.counted_on("closed_at")
        | rules.OPEN
    )


def _appeals(scope: Scope, reach: Reach) -> QuerySet[Appeal]:
    return reach.narrow(Appeal.objects.filter(scope.q()))


def figures(
    period: Period, scope: Scope = ALL, reach: Reach = EVERYTHING, now: datetime.datetime | None = None
) -> Figures:
    """The figures of the period and of now (one statement)."""
    now = now or timezone.now()
    totals = _appeals(scope, reach).filter(_touched(period)).aggregate(**_counts(period, now))
    return Figures(**totals)


def status_counts(scope: Scope = ALL, reach: Reach = EVERYTHING) -> dict[str, tuple[int, int]]:
    """Every appeal by its current status: status -> (count, overdue among them) (one statement)."""
    rows = (
        _appeals(scope, reach)
        .values("status")
        .annotate(count=Count("id"), overdue=Count("id", filter=rules.OVERDUE_NOW))
        .order_by("status")
    )
    return {row["status"]: (row["count"], row["overdue"]) for row in rows}


class Dimension(StrEnum):
    ORGANISATION = "organisation"
    CATEGORY = "category"
    PERSON = "person"


# The column each dimension groups the appeals by (ids: grouping by names cost three times as much).
_GROUPS = {
    Dimension.ORGANISATION: "organisation_id",
    Dimension.CATEGORY: "category_id",
    Dimension.PERSON: "assignee_id",
}


@dataclass
class Row:
    """One organisation, category or person (key `NONE` for appeals without one)."""

    key: str  # an organisation's or a category's code, a person's id
    figures: Figures
    name_kk: str = ""
    name_ru: str = ""
    detail_kk: str = ""  # a person's organisation
    detail_ru: str = ""


def _grouped(
    period: Period, dimensions: tuple[Dimension, ...], scope: Scope, reach: Reach, now: datetime.datetime
) -> list[tuple[dict[str, object], Figures]]:
    """(group ids, its figures) grouped by the dimensions' columns, one statement."""
    grouped = (
        _appeals(scope, reach)
        .filter(_touched(period))
        .values(*(_GROUPS[dimension] for dimension in dimensions))
        .annotate(**_counts(period, now))
        .order_by()
    )
    found = []
    for values in grouped:
        counted = Figures(**{figure.value: values[figure.value] for figure in COUNTED})
        if any(vars(counted).values()):  # e.g. an appeal transferred away counts nowhere
            found.append((values, counted))
    return found


def _names(
    groups: list[tuple[dict[str, object], Figures]], dimensions: tuple[Dimension, ...]
) -> dict[tuple[str, int], tuple[str, str, str, str, str]]:
    """(dimension, id) -> (key, name kk, name ru, detail kk, detail ru) of the ids in the groups:
    one statement over the catalogues (a UNION ALL of the dimensions asked for)."""
    # An empty list of ids would skip the statement: [-1] (no such row) keeps the count fixed.
    ids = {
        dimension: sorted({v[_GROUPS[dimension]] for v, _ in groups} - {None}) or [-1]
        for dimension in dimensions
    }
    columns = ("dimension", "pk", "key", "kk", "ru", "detail_kk", "detail_ru")
    blank = Value("", output_field=CharField())
    parts = []
    if Dimension.ORGANISATION in ids:
        parts.append(
            Organisation.objects.filter(pk__in=ids[Dimension.ORGANISATION]).annotate(
                dimension=Value("organisation"), key=F("code"), kk=F("name_kk"), ru=F("name_ru"),
                detail_kk=blank, detail_ru=blank,
            )
        )  # fmt: skip
    if Dimension.CATEGORY in ids:
        parts.append(
            Category.objects.filter(pk__in=ids[Dimension.CATEGORY]).annotate(
                dimension=Value("category"), key=F("code"), kk=F("name_kk"), ru=F("name_ru"),
                detail_kk=blank, detail_ru=blank,
            )
        )  # fmt: skip
    if Dimension.PERSON in ids:
        parts.append(
            ResponsiblePerson.objects.filter(pk__in=ids[Dimension.PERSON]).annotate(
                dimension=Value("person"), key=Cast("pk", CharField()), kk=F("full_name"), ru=F("full_name"),
                detail_kk=F("organisation__name_kk"), detail_ru=F("organisation__name_ru"),
            )
        )  # fmt: skip
    queries = [part.values_list(*columns).order_by() for part in parts]
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    return {(dimension, pk): tuple(rest) for dimension, pk, *rest in rows}


def _rows(
    groups: list[tuple[dict[str, object], Figures]],
    dimension: Dimension,
    names: dict[tuple[str, int], tuple[str, str, str, str, str]],
) -> list[Row]:
    """The groups summed per organisation, category or person, busiest first."""
    rows: dict[object, Row] = {}
    for values, counted in groups:
        pk = values[_GROUPS[dimension]]
        row = rows.get(pk)
        if row is None:
            named = names.get((dimension.value, pk)) if pk is not None else None
            row = rows[pk] = Row(named[0], Figures(), *named[1:]) if named else Row(NONE, Figures())
        row.figures.add(counted)
    return sorted(rows.values(), key=lambda r: (-r.figures.received, -r.figures.open_now, r.name_ru))


def breakdown(
    period: Period,
    dimension: Dimension,
    scope: Scope = ALL,
    reach: Reach = EVERYTHING,
    now: datetime.datetime | None = None,
) -> list[Row]:
    """The figures per organisation, category (each leaf code, as the region) or person, busiest
    first; groups with nothing to count are left out (two statements: the figures, the names)."""
    groups = _grouped(period, (dimension,), scope, reach, now or timezone.now())
    return _rows(groups, dimension, _names(groups, (dimension,)))


@dataclass
class Overview:
    figures: Figures
    rows: dict[Dimension, list[Row]]


def overview(
    period: Period, scope: Scope = ALL, reach: Reach = EVERYTHING, now: datetime.datetime | None = None
) -> Overview:
    """The figures and their breakdown by organisation, category and person at once: one statement
    grouped by all three (a few hundred groups at most, whatever the number of appeals; a person
    works for one organisation), summed here, and one for the names."""
    dimensions = tuple(Dimension)
    groups = _grouped(period, dimensions, scope, reach, now or timezone.now())
    names = _names(groups, dimensions)
    total = Figures()
    for _values, counted in groups:
        total.add(counted)
    return Overview(total, {dimension: _rows(groups, dimension, names) for dimension in Dimension})


def _key(value: object) -> str:
    return NONE if value in (None, "") else str(value)


@dataclass
class Point:
    start: datetime.date
    end: datetime.date
    figures: Figures = field(default_factory=Figures)


GRANULARITIES = ("day", "week", "month")
SERIES = ("received", "repeats", "answered", "answered_on_time", "closed")  # the period's figures
_TRUNC = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}


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


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def time_series(
    period: Period, granularity: str = "day", scope: Scope = ALL, reach: Reach = EVERYTHING
) -> list[Point]:
    """The period's figures per day, week (from Monday) or month, empty ones included, each point's
    days within the period (as the region's series). Now's figures are not part of a series."""
    if granularity not in GRANULARITIES:
        raise AppealError.of("granularity", "invalid", f"{granularity!r}: day, week, month")
    points: dict[datetime.date, Point] = {}
    start = _bucket_start(period.start, granularity)
    while start <= period.end:
        end = min(_next(start, granularity) - datetime.timedelta(days=1), period.end)
        points[start] = Point(max(start, period.start), end)
        start = _next(start, granularity)
    trunc = _TRUNC[granularity]
    # Each figure is counted on the day of its own moment (received, answered, closed): one
    # grouped part per moment, the three in one statement (UNION ALL).
    counted_on: Iterable[tuple[str, Q, dict[str, Count]]] = (
        (
            "received_at",
            rules.RECEIVED,
            {"received": Count("id"), "repeats": Count("id", filter=Q(parent__isnull=False))},
        ),
        (
            "resolved_at",
            rules.ANSWERED,
            {"answered": Count("id"), "answered_on_time": Count("id", filter=rules.ON_TIME)},
        ),
        ("closed_at", rules.CLOSED, {"closed": Count("id")}),
    )
    parts = [
        _appeals(scope, reach)
        .filter(rule & period.counted_on(column))
        .annotate(bucket=trunc(column, tzinfo=rules.ALMATY))
        .values("bucket")
        .annotate(**{name: counts.get(name, Value(0)) for name in SERIES})
        .order_by()
        for column, rule, counts in counted_on
    ]
    for row in parts[0].union(*parts[1:], all=True):
        point = points[_bucket_start(_as_date(row["bucket"]), granularity)]
        for name in SERIES:
            setattr(point.figures, name, getattr(point.figures, name) + row[name])
    return list(points.values())


def drilled(
    figure: Figure,
    period: Period,
    scope: Scope = ALL,
    reach: Reach = EVERYTHING,
    now: datetime.datetime | None = None,
) -> QuerySet[Appeal]:
    """The appeals behind a figure, with what a list shows of them (newest first)."""
    now = now or timezone.now()
    return (
        _appeals(scope, reach)
        .filter(figure_filter(figure, period, now))
        .select_related("category", "organisation", "assignee")
        .defer("description", "location", "resolution")
        .order_by("-received_at", "-id")
    )


@dataclass(frozen=True)
class MapPoints:
    """The period's points as a JSON array of [number, longitude, latitude, state], state being
    overdue (open and overdue), open, or answered (closed, or anything else)."""

    json: str
    count: int
    truncated: bool


def map_points(
    period: Period, scope: Scope = ALL, reach: Reach = EVERYTHING, limit: int = MAP_POINTS_MAX
) -> MapPoints:
    """Where the period's received appeals are (those with a location), newest first, at most
    `limit` (one statement). PostgreSQL writes the JSON: a year of a city is thousands of points,
    and a Python object per point cost more than the query (state by the same rules' filters)."""
    state = Case(
        When(rules.OVERDUE_NOW, then=Value("overdue")),
        When(rules.OPEN, then=Value("open")),
        # Cancelled (a repeat, spam) and with 112 are neither open nor answered: a state of their own.
        When(status__in=[Status.CANCELLED, Status.FORWARDED_112], then=Value("other")),
        default=Value("answered"),
        output_field=CharField(),
    )
    rows = (
        _appeals(scope, reach)
        .filter(rules.RECEIVED & period.counted_on("received_at"), location__isnull=False)
        .order_by("-received_at", "-id")
        .annotate(
            point=Func(
                F("number"),
                _rounded("ST_X"),
                _rounded("ST_Y"),
                state,
                function="json_build_array",
                output_field=JSONField(),
            )
        )
        .values_list("point", "received_at", "id")[:limit]
    )
    sql, params = rows.query.sql_with_params()
    aggregate = "coalesce(json_agg(p.point ORDER BY p.received_at DESC, p.id DESC), '[]')::text, count(*)"
    statement = f"SELECT {aggregate} FROM ({sql}) AS p (point, received_at, id)"  # noqa: S608 (the ORM's SQL)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        text, count = cursor.fetchone()
    return MapPoints(text, count, count >= limit)


def _rounded(function: str) -> Func:
    # A coordinate to 6 decimals (about 0.1 m): enough for a dot, a shorter answer.
    return Func(
        Func("location", function=function),
        template="round(%(expressions)s::numeric, 6)",
        output_field=DecimalField(),
    )


def sla_percent(value: Figures) -> float | None:
    return value.sla_percent


def repeat_percent(value: Figures) -> float | None:
    return value.repeat_percent
