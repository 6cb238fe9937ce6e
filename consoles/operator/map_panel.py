"""The intake page's map panel: the caller's address found through the city map's search (typos,
Kazakh or Russian), the outages on the picked building with one action to link the call to one,
and the building's card. Everything goes through the map's services (search, outages, cards)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Operation
from appeals.errors import AppealError
from citymap.cards.service import object_card
from citymap.errors import CityMapError
from citymap.outages.actions import CallInput, link_call
from citymap.outages.reads import outages_at
from citymap.search.addresses import search_addresses
from consoles.access import console_page
from consoles.operator.workspace import _int
from consoles.text import local, pick

SHOWN = 8


@require_GET
@console_page(Operation.APPEAL_CREATE)
def addresses(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("address", "")[:200]
    found = search_addresses(typed, limit=SHOWN) if typed.strip() else []
    rows = [(match, local(match, "label"), f"{match.kind}:{match.external_id}") for match in found]
    return render(request, "consoles/operator/_addresses.html", {"rows": rows, "typed": typed})


def _place(request: HttpRequest, object_id: int, **extra: object) -> HttpResponse:
    try:
        card = object_card(request.principal, object_id)
    except CityMapError:
        return render(request, "consoles/operator/_place.html", {"card": None})
    outages = (
        outages_at(request.principal, building_id=object_id) if card.map_object.kind == "building" else []
    )
    context = {"card": card, "outages": outages, "problems": [], "linked": None, **extra}
    return render(
        request, "consoles/operator/_place.html", context, status=400 if context["problems"] else 200
    )


@require_GET
@console_page(Operation.APPEAL_CREATE)
def place(request: HttpRequest) -> HttpResponse:
    """The picked object: its outages (the panel appears only when there are some) and its card."""
    object_id = _int(request.GET.get("object"))
    if object_id is None:
        return HttpResponse("")
    return _place(request, object_id)


@require_POST
@console_page(Operation.APPEAL_ROUTE)
def link_to_outage(request: HttpRequest, outage_id: int) -> HttpResponse:
    """The call on the line is about this outage: an appeal is made for it and linked in one step
    (a repeat of the outage's work order, or its first call), never a second work order."""
    object_id = _int(request.POST.get("object_id"))
    call = CallInput(
        phone=request.POST.get("phone", "")[:40],
        channel=request.POST.get("channel", "") or "landline",
        name=request.POST.get("name", "")[:200],
        language=request.POST.get("language", "")[:2],
        description=request.POST.get("description", "")[:5000],
        building_id=object_id,
    )
    try:
        linked = link_call(request.principal, outage_id, call=call)
    except CityMapError as error:
        problems = [p.text for p in error.problems]
    except AppealError as error:
        problems = [pick(p.message) for p in error.problems]
    else:
        response = _place(request, object_id, linked=linked) if object_id else HttpResponse("")
        response["HX-Trigger"] = "call-linked"
        return response
    if object_id is None:
        return HttpResponse("; ".join(problems), status=400)
    return _place(request, object_id, problems=problems)
