"""The akimat's public outages page (`/outages/`, anonymous): the outages on now and those planned
within a week, with their streets and houses (`citymap.outages.reads.current_outages`: nothing
personal). A citizen's language is kept in a cookie, as on the tracking page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from citymap.models import OutageKind, OutageNature
from citymap.outages.reads import current_outages
from consoles.text import local, pick


@require_GET
def outages_page(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "outage": outage,
            "kind": pick(OutageKind(outage.kind).label),
            "nature": pick(OutageNature(outage.nature).label),
            "streets": [(local(street, "street"), street.houses) for street in outage.streets],
        }
        for outage in current_outages()
    ]
    # Not cached by proxies: the page carries the visitor's CSRF token (the language switch's form).
    return render(request, "consoles/public_outages/outages.html", {"rows": rows})
