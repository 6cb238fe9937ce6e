"""The akimat's public figures (`/figures/`, anonymous; decision 102): how its 109 line did over the
last 7, 30 or 90 days (received, answered, on time, closed; open and overdue now), by topic and by
organisation responsible, and the public queue of appeals being worked; the same figures as CSV
for open data (`/figures/figures.csv`). The figures are the dashboard's own (`appeals.reads.kpis`,
the region's definitions); nothing personal, no person's figures. A citizen's language is kept in
a cookie, as on the tracking page."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from appeals.kpi_definitions import ALMATY
from appeals.reads.kpis import NONE, Dimension, Figures, Overview, Period, Row, overview
from appeals.reads.public import open_queue
from appeals.web.spreadsheet import SafeWriter
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
    "sla_compliance",
    "closed",
    "open_now",
    "overdue_now",
)


def days_asked(request: HttpRequest) -> tuple[datetime.date, datetime.date, str | None]:
    """The first and last day of the days asked for (7, 30 or 90 up to today, Almaty), or of the
    default 30 and what to say about the ask."""
    asked = request.GET.get("days", "")
    days = int(asked) if asked.isascii() and asked.isdigit() and int(asked) in DAYS else None
    refusal = None
    if asked and days is None:
        refusal = gettext("Figures are shown for 7, 30 or 90 days: here are the last 30.")
    today = timezone.now().astimezone(ALMATY).date()
    return today - datetime.timedelta(days=(days or DEFAULT_DAYS) - 1), today, refusal


def _period(request: HttpRequest) -> tuple[Period, str | None]:
    start, end, refusal = days_asked(request)
    return Period.of(start, end), refusal


def percent(figures: Figures | Kpis) -> float | None:
    """The on-time share in per cent (an akimat's figures or the read model's), None when none."""
    return figures.sla_percent


def _rows(rows: list[Row]) -> list[dict[str, object]]:
    return [
        {
            "name": local(row) if row.key != NONE else "",
            "figures": row.figures,
            "percent": percent(row.figures),
        }
        for row in rows
    ]


@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    period, refusal = _period(request)
    summary = overview(period)
    context = {
        "period": period,
        "days": period.days,
        "choices": DAYS,
        "refusal": refusal,
        "figures": summary.figures,
        "percent": percent(summary.figures),
        "categories": _rows(summary.rows[Dimension.CATEGORY]),
        "organisations": _rows(summary.rows[Dimension.ORGANISATION]),
        "queue": open_queue(QUEUE),
        "language_next": request.get_full_path() if refusal is None else "/figures/",
    }
    return render(request, "consoles/public_figures/figures.html", context, status=400 if refusal else 200)


def _csv_rows(summary: Overview) -> list[list[object]]:
    def line(kind: str, code: str, name_kk: str, name_ru: str, figures: Figures) -> list[object]:
        compliance = "" if figures.sla_compliance is None else f"{figures.sla_compliance:.4f}"
        counted = [figures.received, figures.answered, figures.answered_on_time, compliance]
        return [kind, code, name_kk, name_ru, *counted, figures.closed, figures.open_now, figures.overdue_now]

    rows = [line("total", "", "", "", summary.figures)]
    for kind, dimension in (("category", Dimension.CATEGORY), ("organisation", Dimension.ORGANISATION)):
        for row in summary.rows[dimension]:
            rows.append(line(kind, "" if row.key == NONE else row.key, row.name_kk, row.name_ru, row.figures))
    return rows


@require_GET
def figures_csv(request: HttpRequest) -> HttpResponse:
    period, refusal = _period(request)
    if refusal is not None:
        return HttpResponse(refusal, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{request.tenant.slug}-figures-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = SafeWriter(response)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(overview(period)))
    return response
