"""The dashboard's pages (`reports.view`): the figures, the appeals behind one, their exports and the
map's points. Each reads through `appeals.reads.kpis` with the person's reach; wrong filters are
field errors in the screen's language (status 400) with what was typed kept."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts.permissions import Operation
from accounts.personal_data import sees_personal_data
from appeals.errors import AppealError
from appeals.reads import kpis
from appeals.rules.access import Reach, reach
from consoles.access import console_page
from consoles.dashboard import exports
from consoles.dashboard.boundary import boundary_geojson
from consoles.dashboard.forms import DashboardFilter, DrillFilter, presets, today
from consoles.dashboard.map_objects import hotspot_tiles
from consoles.dashboard.page import COLUMNS, FIGURE_LABELS, SERIES_COLUMNS, dashboard
from consoles.text import pick

PAGE = 50


def _reach(request: HttpRequest) -> Reach:
    return reach(request.principal, Operation.REPORTS_VIEW)


def _refused(request: HttpRequest, error: AppealError) -> HttpResponse:
    # Only a role limited to its own organisation gets here (none holds reports.view today).
    return render(request, "consoles/refused.html", {"operation": Operation.REPORTS_VIEW}, status=403)


def _map_labels() -> dict[str, str]:
    return {
        "appeal": gettext("Appeal"),
        "overdue": gettext("overdue"),
        "open": gettext("open"),
        "answered": gettext("answered or closed"),
        "other": gettext("cancelled or with 112"),
        "shown": gettext("Appeals on the map"),
        "truncated": gettext("(only the newest)"),
        "layer_appeals": gettext("Appeals"),
        "layer_hotspots": gettext("Hotspots: appeals per place"),
    }


@require_GET
@console_page(Operation.REPORTS_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    form = DashboardFilter(request.GET)
    template = "consoles/dashboard/_body.html" if request.htmx else "consoles/dashboard/overview.html"
    if not form.is_valid():
        # HTMX swaps a 422 in (the page's htmx-config says so); 400 is django-htmx's debug page.
        status = 422 if request.htmx else 400
        return render(request, template, {"form": form, "presets": presets(None)}, status=status)
    try:
        board = dashboard(form, _reach(request))
    except AppealError as error:
        return _refused(request, error)
    context = {
        "form": form,
        "board": board,
        "query": form.query(),
        "chosen": form.chosen(),
        "presets": presets(form),
        "current_days": form.period.days if form.period.end == today() else None,
        "sla_percent": kpis.sla_percent(board.figures),
        "repeat_percent": kpis.repeat_percent(board.figures),
        "columns": COLUMNS,
        "series_columns": SERIES_COLUMNS,
        "boundary": boundary_geojson(request.tenant),
        "map_labels": _map_labels(),
        "hotspot_tiles": hotspot_tiles(form),
    }
    return render(request, template, context)


@require_GET
@console_page(Operation.REPORTS_VIEW)
def appeals(request: HttpRequest) -> HttpResponse:
    form = DrillFilter(request.GET)
    if not form.is_valid():
        return render(request, "consoles/dashboard/appeals.html", {"form": form}, status=400)
    figure = kpis.Figure(form.cleaned_data["figure"])
    try:
        rows = kpis.drilled(figure, form.period, form.scope, _reach(request))
    except AppealError as error:
        return _refused(request, error)
    page = Paginator(rows, PAGE).get_page(form.cleaned_data.get("page") or 1)
    context = {
        "form": form,
        "figure": figure,
        "figure_label": FIGURE_LABELS[figure],
        "page": page,
        "personal": sees_personal_data(request.principal),
        "query": form.query(figure=figure.value),
        "back": form.query(),
    }
    return render(request, "consoles/dashboard/appeals.html", context)


def _bad_filters(form: DashboardFilter) -> HttpResponse:
    """Exports and the map's points are links and scripts, not forms: the errors as plain text."""
    lines = [f"{label}: {message}" if label else message for label, message in form.error_lines()]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


@require_GET
@console_page(Operation.REPORTS_VIEW)
def export_figures(request: HttpRequest, extension: str) -> HttpResponse:
    form = DashboardFilter(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    try:
        sheets = exports.figure_sheets(dashboard(form, _reach(request)))
    except AppealError as error:
        return _refused(request, error)
    respond = exports.csv_response if extension == "csv" else exports.xlsx_response
    return respond(sheets, "dashboard")


@require_GET
@console_page(Operation.REPORTS_VIEW)
def export_appeals(request: HttpRequest, extension: str) -> HttpResponse:
    form = DrillFilter(request.GET)
    if not form.is_valid():
        return _bad_filters(form)
    figure = kpis.Figure(form.cleaned_data["figure"])
    personal = sees_personal_data(request.principal)
    try:
        rows = kpis.drilled(figure, form.period, form.scope, _reach(request))
    except AppealError as error:
        return _refused(request, error)
    # At most LIST_MAX rows, fetched at once: a server-side cursor's round trips cost more.
    sheet = exports.appeal_sheet(list(exports.list_values(rows, personal)), personal)
    respond = exports.csv_response if extension == "csv" else exports.xlsx_response
    return respond([sheet], f"appeals-{figure.value}")


@require_GET
@console_page(Operation.REPORTS_VIEW)
def map_points(request: HttpRequest) -> HttpResponse:
    """The period's appeals on the map: [number, longitude, latitude, state] each (compact JSON)."""
    form = DashboardFilter(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        points = kpis.map_points(form.period, form.scope, _reach(request))
    except AppealError as error:
        return JsonResponse({"errors": {"__all__": [pick(error.problems[0].message)]}}, status=403)
    truncated = "true" if points.truncated else "false"
    body = f'{{"points": {points.json}, "truncated": {truncated}}}'
    return HttpResponse(body, content_type="application/json")
