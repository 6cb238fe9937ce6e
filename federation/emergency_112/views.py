"""The 112 register's JSON feed on the regional host, for dispatchers' scripts and other screens (the
dispatchers' own page is the consoles' `/112/`, consoles.dispatch112)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import Operation, can, refusal
from federation.emergency_112 import watchdog
from federation.emergency_112.inbox import (
    PAGE,
    alarm_counts,
    incident_json,
    open_count,
    open_page,
    recently_finished,
)
from federation.emergency_112.models import AlarmRecipient


@never_cache  # callers' names and phones: never kept by a browser or proxy cache
@require_GET
def inbox_feed(request: HttpRequest) -> JsonResponse:
    principal = request.principal
    if not can(principal, Operation.EMERGENCY_HANDLE):
        status = 403 if principal.is_authenticated else 401
        error = {"code": "forbidden", "message": refusal(principal, Operation.EMERGENCY_HANDLE)}
        return JsonResponse({"error": error}, status=status)
    page = request.GET.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        error = {"code": "invalid", "field": "page", "message": f"page {page!r}: a number from 1"}
        return JsonResponse({"error": error}, status=400)
    # A page of open incidents in the inbox's order, then the ones finished in the last 12 h.
    shown = [*open_page(page=int(page)), *recently_finished()]
    duty_alarms = [
        {"id": alarm.id, "kind": alarm.kind, "message": alarm.message, "incident": alarm.incident_id}
        for alarm in watchdog.open_alarms(recipient=AlarmRecipient.DUTY_OFFICER_112).order_by("id")[:50]
    ]
    return JsonResponse(
        {
            "incidents": [incident_json(incident) for incident in shown],
            "open_count": open_count(),
            "page": int(page),
            "page_size": PAGE,
            "alarm_counts": alarm_counts(),
            "duty_alarms": duty_alarms,
        }
    )
