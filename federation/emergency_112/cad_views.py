"""Status callbacks from a 112 centre's own CAD: signed POSTs to /api/112/cad/<centre>/status/."""

from __future__ import annotations

import logging

import redis
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from federation.emergency_112 import actions
from federation.emergency_112.models import EmergencyCentre
from federation.emergency_112.signing import SignatureRefused, verify
from federation.emergency_112.validation import DocumentInvalid, parse_json, validate_cad_status

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024


def refuse(status: int, code: str, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)


@csrf_exempt  # machine-to-machine: authenticated by the HMAC signature, not a browser session
@require_POST
def cad_status(request: HttpRequest, centre_slug: str) -> JsonResponse:
    centre = EmergencyCentre.objects.filter(slug=centre_slug, is_active=True, runs_own_cad=True).first()
    if centre is None:
        return refuse(404, "unknown_centre", f"no active 112 centre with a CAD named {centre_slug!r}")
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return refuse(413, "too_large", f"the body exceeds {MAX_BODY_BYTES} bytes")
    try:
        message_id = verify(
            secret=centre.accepted_secrets(timezone.now()),
            centre_slug=centre.slug,
            body=body,
            headers=request.headers,
        )
    except SignatureRefused as error:
        return refuse(error.status, error.code, error.message)
    except redis.RedisError:
        log.exception("replay store unavailable")
        return refuse(503, "replay_store_unavailable", "cannot check for replays right now; retry later")
    try:
        document = parse_json(body)
        validate_cad_status(document)
    except DocumentInvalid as error:
        return JsonResponse({"error": error.as_dict()}, status=400)
    update = document["statusUpdate"]
    if update["messageId"] != message_id:
        return refuse(
            400, "message_id_mismatch", "statusUpdate.messageId differs from the X-Ikomek-Message-Id header"
        )
    try:
        result = actions.apply_cad_status(centre, update)
    except actions.EmergencyError as error:
        return JsonResponse({"error": error.as_dict()}, status=error.status)
    return JsonResponse(
        {"applied": result.changed, "incidentId": result.incident.eido_id, "state": result.incident.state}
    )
