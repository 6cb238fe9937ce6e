"""An akimat's open datasets (decision 111), the rows only (the pages and files are the consoles'):
the appeals received in a month as the public may see them (`appeals.reads.public`'s rule, never
more), the catalogue (categories, organisations responsible) and the month's figures.

What an appeal's row says is the dashboard's (`appeals.kpi_definitions`): answered, on time,
closed, overdue now; and how many repeats were linked to it (a repeat itself is cancelled, so
never public: the dashboard counts it among the received). The point is shown only with the
address (once an operator registered the appeal) and coarsened to a grid of 0.001° (about 110 m
north-south and 65 m east-west at 55° N): a block, never a door.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import F, FloatField, Func, Min

from appeals import kpi_definitions as rules
from appeals.models import Appeal, Category, Organisation
from appeals.reads.kpis import NONE, Dimension, Figures, Overview, Period, overview
from appeals.reads.public import public_appeals, shown_address

CHUNK = 2000  # rows per fetch of the server-side cursor
GRID_DECIMALS = 3  # 0.001°: the coarsened point

APPEAL_COLUMNS = (
    "number",
    "received_at",
    "category_code",
    "category_name_kk",
    "category_name_ru",
    "status",
    "organisation_code",
    "organisation_name_kk",
    "organisation_name_ru",
    "address",
    "longitude",
    "latitude",
    "deadline",
    "answered",
    "answered_at",
    "answered_on_time",
    "closed_at",
    "overdue_now",
    "repeat_count",
)
CATEGORY_COLUMNS = (
    "code",
    "parent",
    "name_kk",
    "name_ru",
    "sla_calendar",
    "sla_hours",
    "emergency",
    "active",
)
ORGANISATION_COLUMNS = ("code", "kind", "name_kk", "name_ru", "active")
FIGURE_COLUMNS = (
    "kind", "code", "name_kk", "name_ru", "received", "repeats", "answered", "answered_on_time",
    "answered_on_time_percent", "closed",
)  # fmt: skip


def moment(value: datetime.datetime | None) -> str | None:
    """A moment as the platform writes it for others: ISO 8601 in Almaty's time, to the second."""
    return value.astimezone(rules.ALMATY).isoformat(timespec="seconds") if value else None


def coarse(value: float | None) -> float | None:
    return None if value is None else round(value, GRID_DECIMALS)


def first_received() -> datetime.datetime | None:
    """When the akimat's first appeal came in (history loaded from a former system included)."""
    return Appeal.objects.aggregate(first=Min("received_at"))["first"]


def outcome(row: dict[str, Any]) -> dict[str, object]:
    """What the dashboard's definitions say of one appeal: answered, on time, closed, overdue now."""
    status, resolved_at, deadline = row["status"], row["resolved_at"], row["deadline"]
    answered = rules.is_answered(status, resolved_at, deadline)
    closed = rules.is_closed(status, row["closed_at"])
    return {
        "deadline": moment(deadline),
        "answered": answered,
        "answered_at": moment(resolved_at) if answered else None,
        "answered_on_time": rules.is_on_time(resolved_at, deadline) if answered else None,
        "closed_at": moment(row["closed_at"]) if closed else None,
        "overdue_now": rules.is_overdue_now(status, row["overdue_at"]),
    }


def month_appeals(first: datetime.date, after: datetime.date) -> Iterator[dict[str, object]]:
    """The public appeals received from the day `first` to the day before `after` (Almaty), oldest
    first: one statement, read in chunks from a server-side cursor (no whole month in memory)."""
    found = (
        public_appeals()
        .filter(received_at__gte=rules.day_start(first), received_at__lt=rules.day_start(after))
        .annotate(
            longitude=Func(F("location"), function="ST_X", output_field=FloatField()),
            latitude=Func(F("location"), function="ST_Y", output_field=FloatField()),
        )
        .order_by("received_at", "id")
        .values(
            "number", "received_at", "registered_at", "status", "address", "longitude", "latitude",
            "deadline", "resolved_at", "closed_at", "overdue_at", "repeat_count",
            "category__code", "category__name_kk", "category__name_ru",
            "organisation__code", "organisation__name_kk", "organisation__name_ru",
        )
    )  # fmt: skip
    for row in found.iterator(chunk_size=CHUNK):
        registered = row["registered_at"] is not None  # the place is public once a person read it
        yield {
            "number": row["number"],
            "received_at": moment(row["received_at"]),
            "category_code": row["category__code"] or "",
            "category_name_kk": row["category__name_kk"] or "",
            "category_name_ru": row["category__name_ru"] or "",
            "status": row["status"],
            "organisation_code": row["organisation__code"] or "",
            "organisation_name_kk": row["organisation__name_kk"] or "",
            "organisation_name_ru": row["organisation__name_ru"] or "",
            "address": shown_address(row["address"], row["registered_at"]),
            "longitude": coarse(row["longitude"]) if registered else None,
            "latitude": coarse(row["latitude"]) if registered else None,
            **outcome(row),
            "repeat_count": row["repeat_count"],
        }


def categories() -> list[dict[str, object]]:
    """Every category of the akimat's catalogue, emergencies and retired ones included (their
    appeals stay in the months they came in), in the catalogue's order (one statement)."""
    rows = Category.objects.order_by("sort_order", "code").values(
        "code", "name_kk", "name_ru", "sla_calendar", "sla_hours", "is_emergency", "is_active",
        parent_code=F("parent__code"),
    )  # fmt: skip
    return [
        {
            "code": row["code"],
            "parent": row["parent_code"] or "",
            "name_kk": row["name_kk"],
            "name_ru": row["name_ru"],
            "sla_calendar": row["sla_calendar"],
            "sla_hours": row["sla_hours"],
            "emergency": row["is_emergency"],
            "active": row["is_active"],
        }
        for row in rows
    ]


def organisations() -> list[dict[str, object]]:
    """The organisations responsible, their public fields only: no phone, e-mail or address (a
    contractor's may be a person's), never their people (one statement)."""
    rows = Organisation.objects.order_by("code").values("code", "kind", "name_kk", "name_ru", "is_active")
    return [
        {
            "code": row["code"],
            "kind": row["kind"],
            "name_kk": row["name_kk"],
            "name_ru": row["name_ru"],
            "active": row["is_active"],
        }
        for row in rows
    ]


def _figure_row(kind: str, code: str, name_kk: str, name_ru: str, counted: Figures) -> dict[str, object]:
    return {
        "kind": kind,
        "code": code,
        "name_kk": name_kk,
        "name_ru": name_ru,
        "received": counted.received,
        "repeats": counted.repeats,
        "answered": counted.answered,
        "answered_on_time": counted.answered_on_time,
        "answered_on_time_percent": counted.sla_percent,  # rounded once (kpi_definitions.percent_of)
        "closed": counted.closed,
    }


def month_figures(first: datetime.date, last: datetime.date) -> list[dict[str, object]]:
    """The dashboard's figures of the days `first` to `last`: the total, then per category and per
    organisation, busiest first (two statements: grouped, named). Not per person: a person's
    figures are the akimat's business. Nothing of "now" (open, overdue): a month's file stays true."""
    return figure_rows(overview(Period.of(first, last)))


def figure_rows(summary: Overview) -> list[dict[str, object]]:
    """The figures file's rows of an overview: the public figures page shows a month by these
    same rows, so the page and the file of a month cannot disagree."""
    rows = [_figure_row("total", "", "", "", summary.figures)]
    for kind, dimension in (("category", Dimension.CATEGORY), ("organisation", Dimension.ORGANISATION)):
        for row in summary.rows[dimension]:
            if not (row.figures.received or row.figures.answered or row.figures.closed):
                continue  # counted only now (open, overdue): nothing of this month
            code = "" if row.key == NONE else row.key
            rows.append(_figure_row(kind, code, row.name_kk, row.name_ru, row.figures))
    return rows
