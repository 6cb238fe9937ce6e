"""The regional console's page and the escalation decisions posted from it (the same service as the
regional API). A refused decision comes back on the page, in the screen's language, with the
typed text kept; scripts asking for JSON get the service's code, field and message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Operation, can
from consoles.access import console_action, console_page, wants_json
from consoles.region.forms import PeriodForm
from consoles.region.refusals import Refused, refused_decision
from consoles.text import local, pick
from regional import console as console_data
from regional import escalations
from regional.errors import RegionalError
from tenants.models import Akimat

# The figures' columns (consoles/region/_figures.html prints them in this order).
HEADERS = (
    _("Received"),
    _("On time, %"),
    _("Median hours to close"),
    _("90th percentile, hours"),
    _("Open now"),
    _("Overdue now"),
    _("Repeats, %"),
    _("Escalated to the region"),
)
# A refusal's HTTP status by its code; anything else is bad input.
STATUS = {"forbidden": 403, "not_found": 404, "invalid_transition": 409, "akimat_unavailable": 409}


def _page(
    request: HttpRequest, form: PeriodForm, *, refused: Refused | None = None, status: int = 200
) -> HttpResponse:
    days = form.chosen_days()
    data = console_data.console(days) if days is not None else None
    context = {
        "form": form,
        "days": days,
        "data": data,
        "headers": HEADERS,
        "may_decide": can(request.principal, Operation.REGIONAL_ESCALATION_DECIDE),
        "decisions": (
            ("assign_back", gettext("Send back"), gettext("Instructions for the akimat")),
            ("resolve", gettext("Resolve"), gettext("Resolution")),
        ),
        "refused": refused,
        # Under its form when the row is still in the queue and the form takes a text; else on top.
        "refused_in_row": refused is not None
        and data is not None
        and refused.decision in {"assign_back", "resolve"}
        and any(e.pk == refused.escalation for e in data.queue),
    }
    return render(request, "consoles/region/console.html", context, status=status)


@never_cache
@require_GET
@console_page(Operation.REGIONAL_VIEW)
def console(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    return _page(request, form, status=200 if form.is_valid() else 400)


def _back(request: HttpRequest) -> str:
    days = request.POST.get("days", "")
    return f"/region/?days={days}" if days.isdigit() and len(days) < 4 else "/region/"


@require_POST
@console_action(Operation.REGIONAL_ESCALATION_DECIDE)
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    comment = request.POST.get("comment", "")
    try:
        escalation = escalations.decide(request.principal, pk, decision, comment)
    except RegionalError as error:
        problem = error.problems[0]
        status = STATUS.get(problem.code, 400)
        if wants_json(request):
            body = {"error": {"code": problem.code, "field": problem.field, "message": problem.message}}
            return JsonResponse(body, status=status)
        refused = refused_decision(pk, decision, problem, comment)
        return _page(request, PeriodForm(request.POST), refused=refused, status=status)
    if wants_json(request):
        return JsonResponse({"escalation": {"id": escalation.pk, "state": escalation.state}})
    akimat = Akimat.objects.filter(schema_name=escalation.schema).first()
    messages.success(
        request,
        gettext("Appeal №%(number)s of %(akimat)s: %(state)s")
        % {
            "number": escalation.appeal_number,
            "akimat": local(akimat) if akimat else escalation.schema,
            "state": pick(escalation.get_state_display()),
        },
    )
    return redirect(_back(request))
