"""The 112 register's JSON feed on the regional host, for dispatchers' scripts and other screens (the
dispatchers' own page is the consoles' `/112/`, consoles.dispatch112)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import Operation, can, refusal
from federation.emergency_112 import watchdog
from federation.emergency_112.inbox import inbox_incidents, incident_json
from federation.emergency_112.models import AlarmRecipient


@never_cache  # callers' names and phones: never kept by a browser or proxy cache
@require_GET
def inbox_feed(request: HttpRequest) -> JsonResponse:
    principal = request.principal
    if not can(principal, Operation.EMERGENCY_HANDLE):
        status = 403 if principal.is_authenticated else 401
        error = {"code": "forbidden", "message": refusal(principal, Operation.EMERGENCY_HANDLE)}
        return JsonResponse({"error": error}, status=status)
    incidents = [incident_json(incident) for incident in inbox_incidents()]
    duty_alarms = [
        {"id": alarm.id, "kind": alarm.kind, "message": alarm.message, "incident": alarm.incident_id}
        for alarm in watchdog.open_alarms(recipient=AlarmRecipient.DUTY_OFFICER_112).order_by("id")[:50]
    ]
    return JsonResponse({"incidents": incidents, "duty_alarms": duty_alarms})
