"""The dispatchers' inbox page, its rows polled by the page, and the steps posted from it. The
filters (service, akimat, alarm kind, page) live in the URL: a bookmark opens the same view, and
the rows asked for by a filter or a page link move the address bar along (HX-Push-Url). A refused
step comes back on the page under its form, in the screen's language, with the typed text kept;
scripts asking for JSON get the register's code, field and message."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Operation, can
from consoles.access import console_action, console_page, wants_json
from consoles.dispatch112 import page
from consoles.dispatch112.steps import BY_SLUG, refusal_text
from consoles.text import pick
from federation.emergency_112 import actions
from federation.emergency_112.inbox import incident_json
from federation.emergency_112.models import IncidentState

# htmx stops polling on this status: the person signed out or lost the role meanwhile.
STOP_POLLING = 286


@dataclass(frozen=True)
class Refused:
    incident: int
    step: str
    message: str
    code: str
    typed: str


def _page(request: HttpRequest, *, refused: Refused | None = None, status: int = 200) -> HttpResponse:
    known = page.akimats()
    try:
        shown_filters, filters = page.parse(request.GET, known)
    except page.BadFilter as error:  # a hand-edited or stale bookmark: say which value, show all
        shown_filters, filters = page.parse({}, known)
        bad, status = str(error), 400
    else:
        bad = ""
    shown = page.inbox(shown_filters, filters, known)
    in_row = refused is not None and any(
        row.id == refused.incident and any(step.slug == refused.step for step in row.steps)
        for row in [*shown.newest, *shown.rows]
    )
    context = {"inbox": shown, "refused": refused, "refused_in_row": in_row, "bad_filter": bad}
    return render(request, "consoles/dispatch112/inbox.html", context, status=status)


@never_cache  # callers' names and phones: never kept by a browser or proxy cache
@require_GET
@console_page(Operation.EMERGENCY_HANDLE)
def inbox_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


VERSION_HEADER = "X-Inbox-Version"


@never_cache
@require_GET
def inbox_rows(request: HttpRequest) -> HttpResponse:
    """The page's poll (with `seen`): 204 while nothing shown changed, else the parts that changed
    (the whole inbox when the filters did). Without `seen` (a filter or a page link): the inbox,
    and the address bar moves to the page's URL."""
    principal = request.principal
    if not principal.is_authenticated or not can(principal, Operation.EMERGENCY_HANDLE):
        return HttpResponse(status=STOP_POLLING)
    seen = request.GET.get("seen", "")
    now = timezone.now()
    marker = ""
    if seen:
        still, marker = page.unchanged(seen, now)
        if still:  # the idle poll: one query
            return _unchanged(seen)
    known = page.akimats()
    try:
        shown_filters, filters = page.parse(request.GET, known)
    except page.BadFilter:  # the page said which value is unknown and shows all: so does its poll
        shown_filters, filters = page.parse({}, known)
    shown = page.inbox(shown_filters, filters, known, now=now, marker=marker)
    parts = page.changed_parts(seen, shown.version) if seen else None
    if parts is not None and not parts:
        return _unchanged(shown.version)  # the same rows: only the marker moved on
    if parts is None:
        response = render(request, "consoles/dispatch112/_inbox.html", {"inbox": shown})
    else:  # a poll: the parts that changed, each swapped by its id; the rest stays as it is
        response = render(request, "consoles/dispatch112/_inbox_parts.html", {"inbox": shown, "parts": parts})
        response["HX-Reswap"] = "none"
    response[VERSION_HEADER] = shown.version
    if not seen:
        query = shown_filters.query()
        response["HX-Push-Url"] = reverse("consoles:dispatch112") + (f"?{query}" if query else "")
    return response


def _unchanged(version: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response[VERSION_HEADER] = version
    return response


@require_POST
@console_action(Operation.EMERGENCY_HANDLE)
def incident_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    chosen = BY_SLUG.get(step)
    if chosen is None:
        if wants_json(request):
            error = {"code": "unknown_step", "field": "step", "message": f"unknown step {step!r}"}
            return JsonResponse({"error": error}, status=404)
        raise Http404
    try:
        incident = chosen.call(request.principal, pk, request.POST)
    except actions.EmergencyError as error:
        if wants_json(request):
            return JsonResponse({"error": error.as_dict()}, status=error.status)
        typed = request.POST.get(chosen.text_field, "") if chosen.text_field else ""
        refused = Refused(pk, chosen.slug, refusal_text(error), error.code, typed.strip())
        return _page(request, refused=refused, status=error.status)
    if wants_json(request):
        return JsonResponse({"incident": incident_json(incident)})
    messages.success(
        request,
        gettext("Appeal №%(number)s: %(state)s")
        % {"number": incident.appeal_number, "state": pick(IncidentState(incident.state).label)},
    )
    return redirect("consoles:dispatch112")
