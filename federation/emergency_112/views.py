"""The 112 dispatchers' inbox on the regional host: the page, its JSON feed and the action posts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Operation, require
from federation.emergency_112 import actions, watchdog
from federation.emergency_112.inbox import inbox_incidents, incident_json
from federation.emergency_112.models import AlarmRecipient

View = Callable[..., HttpResponse]

DENIED = "112 диспетчерінің рөлі қажет / Нужна роль диспетчера 112 (dispatcher_112)"


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def dispatcher_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            require(request.principal, Operation.EMERGENCY_HANDLE)
        except PermissionDenied as error:
            status = 403 if request.principal.is_authenticated else 401
            if wants_json(request) or request.path.endswith(".json"):
                return JsonResponse({"error": {"code": "forbidden", "message": str(error)}}, status=status)
            return HttpResponse(f"{DENIED}: {error}", status=status, content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return wrapped


@never_cache  # callers' names and phones: never kept by a browser or proxy cache
@require_GET
@dispatcher_only
def inbox_page(request: HttpRequest) -> HttpResponse:
    incidents = [incident_json(incident) for incident in inbox_incidents()]
    duty_alarms = list(watchdog.open_alarms(recipient=AlarmRecipient.DUTY_OFFICER_112)[:50])
    return render(
        request,
        "emergency_112/inbox.html",
        {"incidents": incidents, "duty_alarms": duty_alarms, "principal": request.principal},
    )


@never_cache
@require_GET
@dispatcher_only
def inbox_feed(request: HttpRequest) -> JsonResponse:
    incidents = [incident_json(incident) for incident in inbox_incidents()]
    duty_alarms = [
        {"id": alarm.id, "kind": alarm.kind, "message": alarm.message, "incident": alarm.incident_id}
        for alarm in watchdog.open_alarms(recipient=AlarmRecipient.DUTY_OFFICER_112).order_by("id")[:50]
    ]
    return JsonResponse({"incidents": incidents, "duty_alarms": duty_alarms})


STEPS: dict[str, Callable[..., object]] = {
    "acknowledge": lambda actor, pk, form: actions.acknowledge_incident(actor, pk, note=form.get("note", "")),
    "dispatch": lambda actor, pk, form: actions.dispatch_incident(
        actor, pk, unit=form.get("unit", ""), note=form.get("note", "")
    ),
    "on-scene": lambda actor, pk, form: actions.mark_on_scene(actor, pk, note=form.get("note", "")),
    "close": lambda actor, pk, form: actions.close_incident(actor, pk, note=form.get("note", "")),
    "reject": lambda actor, pk, form: actions.reject_incident(actor, pk, note=form.get("note", "")),
}


@require_POST
@dispatcher_only
def incident_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    perform = STEPS.get(step)
    if perform is None:
        error = {"code": "unknown_step", "field": "step", "message": f"unknown step {step!r}"}
        return JsonResponse({"error": error}, status=404)
    try:
        incident = perform(request.principal, pk, request.POST)
    except actions.EmergencyError as error:
        if wants_json(request):
            return JsonResponse({"error": error.as_dict()}, status=error.status)
        messages.error(request, f"№ {pk}: {error.message}")
        return redirect("emergency_112:inbox")
    if wants_json(request):
        return JsonResponse({"incident": incident_json(incident)})
    messages.success(request, f"№ {incident.appeal_number}: {incident.get_state_display()}")
    return redirect("emergency_112:inbox")
