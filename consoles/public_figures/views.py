"""The akimat's public figures (`/figures/`, anonymous; decision 102): how its 109 line did over the
last 7, 30 or 90 days or in a calendar month (`?month=YYYY-MM`, asked as the open data's files ask
it: `consoles.months`), received, answered, on time, closed, and open and overdue now; by topic and
by organisation responsible, and the public queue of appeals being worked; the same figures as CSV
(`/figures/figures.csv`). The figures are the dashboard's own (`appeals.reads.kpis`, the region's
definitions); a month's tables are the open data's figures file's rows of that month
(`appeals.reads.open_data.figure_rows`), so the two agree. Nothing personal, no person's figures.
A citizen's language is kept in a cookie, as on the tracking page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from appeals.kpi_definitions import ALMATY
from appeals.reads.kpis import NONE, Dimension, Figures, Overview, Period, Row, overview
from appeals.reads.open_data import figure_rows
from appeals.reads.public import open_queue
from appeals.web.spreadsheet import csv_stream
from consoles.months import Month, akimat_first, asked, offered, today
from consoles.text import local
from regional.kpis import Kpis

DAYS = (7, 30, 90)
DEFAULT_DAYS = 30
QUEUE = 30
CSV_COLUMNS = (
    "kind",
    "code",
    "name_kk",
    "name_ru",
    "received",
    "answered",
    "answered_on_time",
    "answered_on_time_percent",  # as the open data's figures file says it (decision 113)
    "closed",
    "open_now",
    "overdue_now",
)


def days_asked(request: HttpRequest) -> tuple[datetime.date, datetime.date, str | None]:
    """The first and last day of the days asked for (7, 30 or 90 up to today, Almaty), or of the
    default 30 and what to say about the ask."""
    text = request.GET.get("days", "")
    days = int(text) if text.isascii() and text.isdigit() and int(text) in DAYS else None
    refusal = None
    if text and days is None:
        refusal = gettext("Figures are shown for 7, 30 or 90 days: here are the last 30.")
    last = timezone.now().astimezone(ALMATY).date()
    return last - datetime.timedelta(days=(days or DEFAULT_DAYS) - 1), last, refusal


@dataclass(frozen=True)
class Shown:
    """What the page shows: the last `days` days, or a calendar `month` (up to today when it is the
    current one), and what to say about the ask."""

    period: Period
    days: int | None
    month: Month | None
    months: list[Month]  # offered, newest first
    refusal: str | None


def shown(request: HttpRequest) -> Shown:
    first = akimat_first(request.tenant)
    if "month" in request.GET:
        month, refusal = asked(request.GET.get("month"), first)
        return Shown(Period.of(month.first, min(month.last, today())), None, month, offered(first), refusal)
    start, end, refusal = days_asked(request)
    period = Period.of(start, end)
    return Shown(period, period.days, None, offered(first), refusal)


def percent(figures: Figures | Kpis) -> float | None:
    """The on-time share in per cent (an akimat's figures or the read model's), None when none."""
    return figures.sla_percent


def _rows(rows: list[Row]) -> list[dict[str, object]]:
    """A breakdown over the last days: what is counted now (overdue) included."""
    return [
        {
            "code": "" if row.key == NONE else row.key,
            "name": local(row) if row.key != NONE else "",
            "received": row.figures.received,
            "answered": row.figures.answered,
            "percent": percent(row.figures),
            "overdue_now": row.figures.overdue_now,
        }
        for row in rows
    ]


def _month_rows(rows: list[dict[str, object]], kind: str) -> list[dict[str, object]]:
    """A month's breakdown: the rows of the open data's figures file of that month, of one kind."""
    return [
        {
            "code": row["code"],
            "name": local(row),
            "received": row["received"],
            "answered": row["answered"],
            "percent": row["answered_on_time_percent"],
            "closed": row["closed"],
        }
        for row in rows
        if row["kind"] == kind
    ]


@require_safe
def figures_page(request: HttpRequest) -> HttpResponse:
    asked_for = shown(request)
    summary = overview(asked_for.period)
    if asked_for.month is None:
        categories = _rows(summary.rows[Dimension.CATEGORY])
        organisations = _rows(summary.rows[Dimension.ORGANISATION])
    else:
        file_rows = figure_rows(summary)
        categories = _month_rows(file_rows, "category")
        organisations = _month_rows(file_rows, "organisation")
    context = {
        "period": asked_for.period,
        "days": asked_for.days,
        "month": asked_for.month,
        "months": asked_for.months,
        "choices": DAYS,
        "refusal": asked_for.refusal,
        "figures": summary.figures,
        "percent": percent(summary.figures),
        "categories": categories,
        "organisations": organisations,
        "queue": open_queue(QUEUE),
        "language_next": request.get_full_path() if asked_for.refusal is None else "/figures/",
    }
    status = 400 if asked_for.refusal else 200
    return render(request, "consoles/public_figures/figures.html", context, status=status)


def _csv_rows(summary: Overview) -> list[list[object]]:
    def line(kind: str, code: str, name_kk: str, name_ru: str, figures: Figures) -> list[object]:
        on_time = "" if figures.sla_percent is None else figures.sla_percent
        counted = [figures.received, figures.answered, figures.answered_on_time, on_time]
        return [kind, code, name_kk, name_ru, *counted, figures.closed, figures.open_now, figures.overdue_now]

    rows = [line("total", "", "", "", summary.figures)]
    for kind, dimension in (("category", Dimension.CATEGORY), ("organisation", Dimension.ORGANISATION)):
        for row in summary.rows[dimension]:
            rows.append(line(kind, "" if row.key == NONE else row.key, row.name_kk, row.name_ru, row.figures))
    return rows


@require_safe
def figures_csv(request: HttpRequest) -> HttpResponse:
    asked_for = shown(request)
    if asked_for.refusal is not None:
        return HttpResponse(asked_for.refusal, status=400, content_type="text/plain; charset=utf-8")
    period = asked_for.period
    rows = csv_stream(CSV_COLUMNS, _csv_rows(overview(period)))  # the BOM and safe cells, as every CSV
    response = HttpResponse(b"".join(rows), content_type="text/csv; charset=utf-8")
    name = f"{request.tenant.slug}-figures-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
