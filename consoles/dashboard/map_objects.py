"""The dashboard's objects the period's appeals are most about (the city map's ranking, for the
dashboard's period and category): a fragment the page loads after itself, so the figures never
wait for it."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.permissions import Operation
from appeals.reads import kpis
from appeals.rules.calendar import ALMATY
from citymap.errors import CityMapError
from citymap.hotspots.period import question
from citymap.hotspots.ranking import ranked_objects
from consoles.access import console_page
from consoles.dashboard.forms import DashboardFilter
from consoles.text import local

SHOWN = 10


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=ALMATY)


def hotspot_tiles(form: DashboardFilter) -> str:
    """The map's hotspot layer for the dashboard's period and category: Leaflet's `{z}/{x}/{y}`
    template of the city map's tiles (`/map/hotspots/…`), the period in Almaty's days."""
    tile = reverse("citymap:hotspot-tile", kwargs={"z": 0, "x": 0, "y": 0}).replace("0/0/0", "{z}/{x}/{y}")
    asked = {
        "since": form.period.start.isoformat(),
        "until": (form.period.end + datetime.timedelta(days=1)).isoformat(),
    }
    if form.scope.category and form.scope.category != kpis.NONE:
        asked["category"] = form.scope.category
    return f"{tile}?{urlencode(asked)}"


@require_GET
@console_page(Operation.REPORTS_VIEW)
def top_objects(request: HttpRequest) -> HttpResponse:
    form = DashboardFilter(request.GET)
    rows: list[tuple[object, str]] = []
    if form.is_valid():
        category = "" if form.scope.category == kpis.NONE else form.scope.category
        try:
            asked = question(
                category,
                _midnight(form.period.start),
                _midnight(form.period.end + datetime.timedelta(days=1)),
            )
        except CityMapError:
            asked = None
        if asked is not None:
            for ranked in ranked_objects(asked, limit=SHOWN):
                obj = ranked.map_object
                label = local(obj, "address") if obj.kind == "building" else local(obj, "name")
                rows.append((ranked, label))
    return render(request, "consoles/dashboard/_objects.html", {"rows": rows})
