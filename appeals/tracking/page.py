"""The citizen's tracking page on the akimat's host: the number read out on the phone and the last
four digits of the caller's phone give the appeal's status and dates (appeals.tracking.service), nothing
personal. The digits travel in a POST body, never in a URL that logs and histories keep."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appeals.errors import AppealError
from appeals.models import EmergencyStatus
from appeals.states import Status
from appeals.tracking.service import track

NOT_FOUND = (
    "Нөмір немесе телефонның соңғы 4 саны сәйкес келмейді / Номер или последние 4 цифры телефона не совпадают"
)


@never_cache
@require_http_methods(["GET", "POST"])
def track_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"akimat": request.tenant}
    if request.method == "GET":
        return render(request, "appeals/track.html", context)
    number, digits = request.POST.get("number", "").strip(), request.POST.get("phone_last4", "").strip()
    context["number"] = number
    if not number.isdigit() or not 0 < int(number) < 2**63:
        context["error"] = "Өтініш нөмірі — сан / Номер обращения — число"
        return render(request, "appeals/track.html", context, status=400)
    try:
        appeal = track(int(number), digits)
    except AppealError as error:
        context["error"] = error.problems[0].message
        return render(request, "appeals/track.html", context, status=429)
    if appeal is None:
        context["error"] = NOT_FOUND
        return render(request, "appeals/track.html", context, status=404)
    forward = getattr(appeal, "emergency", None)
    context["appeal"] = {
        "number": appeal.number,
        "status": Status(appeal.status).label,
        "received_at": appeal.received_at,
        "deadline": appeal.deadline,
        "resolved_at": appeal.resolved_at,
        "closed_at": appeal.closed_at,
        "emergency": EmergencyStatus(forward.status).label if forward is not None else None,
    }
    return render(request, "appeals/track.html", context)
