"""The intake page's live parts: the caller-ID pop-up, the category search in both languages,
repeat candidates while typing, and the akimat's boundary for the map."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import Operation, can
from appeals.catalogue.cache import active_category, search_categories
from appeals.reads.calls import calls_since, earlier_appeals, latest_call_id
from appeals.repeats.candidates import repeat_candidates
from consoles.access import console_page
from consoles.boundary import boundary_response


def _int(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _float(value: str | None) -> float | None:
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    return number if -180.0 <= number <= 180.0 else None


@require_GET
@console_page(Operation.APPEAL_VIEW_PERSONAL_DATA)
def calls(request: HttpRequest) -> HttpResponse:
    """Polled every second by the operator's pages: the newest call since `after`, with the caller's
    earlier appeals; the fragment carries the next `after`, so each call pops up once. With no newer
    call the answer is 204, which htmx leaves unswapped: the pop-up stays until the next call or the
    operator closes it (it once vanished a second after it came, under the operator's hand)."""
    after = _int(request.GET.get("after"))
    if after is None:  # a page that just opened: start from now
        return render(request, "consoles/operator/_calls.html", {"after": latest_call_id(), "call": None})
    found = calls_since(after, limit=1)
    if not found:
        return HttpResponse(status=204)
    call = found[0]
    context = {
        "after": call.pk,
        "call": call,
        "earlier": earlier_appeals(call.phone) if call.phone_valid else [],
    }
    return render(request, "consoles/operator/_calls.html", context)


@require_GET
@console_page(Operation.APPEAL_CREATE)
def categories(request: HttpRequest) -> HttpResponse:
    found = search_categories(request.GET.get("category_search", "")[:100])
    return render(request, "consoles/operator/_categories.html", {"categories": found})


@require_GET
@console_page(Operation.APPEAL_CREATE)
def repeats(request: HttpRequest) -> HttpResponse:
    category = active_category(request.GET.get("category", "")[:40])
    lon, lat = _float(request.GET.get("longitude")), _float(request.GET.get("latitude"))
    point = Point(lon, lat, srid=4326) if lon is not None and lat is not None else None
    found = repeat_candidates(category, point) if category is not None else []
    # The call may be saved as a repeat of one at once (no second work order), by those who link
    # repeats; an emergency goes to 112 whatever else was reported there.
    may_link = can(request.principal, Operation.APPEAL_ROUTE) and not (category and category.is_emergency)
    return render(request, "consoles/operator/_repeats.html", {"candidates": found[:5], "may_link": may_link})


@require_GET
@console_page(Operation.APPEAL_CREATE)
def boundary(request: HttpRequest) -> JsonResponse:
    """This akimat's boundary for the intake map (no tiles: the pages work with no internet)."""
    return boundary_response(request.tenant)
