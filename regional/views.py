"""The regional console on the regional host: one page over the city and every district for the
region's staff, and the escalation decisions posted from it (the same services as the API)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Operation, can, refusal
from regional import console as console_data
from regional import escalations, kpis
from regional.errors import RegionalError

# A refusal's HTTP status by its code; anything else is bad input.
STATUS = {"forbidden": 403, "not_found": 404, "invalid_transition": 409, "akimat_unavailable": 409}


def _refused(request: HttpRequest, operation: Operation) -> HttpResponse | None:
    principal = request.principal
    if can(principal, operation):
        return None
    status = 403 if principal.is_authenticated else 401
    return HttpResponse(
        refusal(principal, operation), status=status, content_type="text/plain; charset=utf-8"
    )


@never_cache
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    if not request.principal.is_authenticated:
        return redirect(f"/auth/login/?{urlencode({'next': request.get_full_path()})}")
    if refused := _refused(request, Operation.REGIONAL_VIEW):
        return refused
    raw = request.GET.get("days", str(kpis.DEFAULT_DAYS))
    if raw not in {str(days) for days in console_data.PERIOD_DAYS}:
        allowed = ", ".join(str(days) for days in console_data.PERIOD_DAYS)
        return HttpResponse(
            f"days: {allowed} болуы керек / допустимо {allowed}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return render(
        request,
        "regional/console.html",
        {
            "data": console_data.console(int(raw)),
            "periods": console_data.PERIOD_DAYS,
            "principal": request.principal,
            "may_decide": can(request.principal, Operation.REGIONAL_ESCALATION_DECIDE),
        },
    )


@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if refused := _refused(request, Operation.REGIONAL_ESCALATION_DECIDE):
        return refused
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        escalation = escalations.decide(request.principal, pk, decision, request.POST.get("comment", ""))
    except RegionalError as error:
        problem = error.problems[0]
        if wants_json:
            body = {"error": {"code": problem.code, "field": problem.field, "message": problem.message}}
            return JsonResponse(body, status=STATUS.get(problem.code, 400))
        messages.error(request, f"{pk}: {problem.message}")
        return redirect("regional:console")
    if wants_json:
        return JsonResponse({"escalation": {"id": escalation.pk, "state": escalation.state}})
    messages.success(
        request,
        f"№ {escalation.appeal_number} ({escalation.schema}): {escalation.get_state_display()}",
    )
    return redirect("regional:console")
