"""Documents to a 112 centre's own CAD travel through the federation outbox (kind `emergency_112.cad`).

`queue_for_cad` writes the message in the transaction that changes the incident; its handler runs
in the region's schema and POSTs the signed document (`cad_sender.send_document`). The outbox
brings what the old `cad_deliveries` table did by hand: a kick on commit, retries with backoff and
jitter, the sweep that takes over from a killed worker, dead letters with replay, and order per
incident (a newer version is never overwritten by an older one replayed later). 2xx: delivered;
408/429/5xx/timeouts/refused connections: retried; any other 4xx, a centre without an active CAD or
a plain-http endpoint: dead at once. Dead CAD messages raise the duty officer's alarm
(`watchdog.raise_cad_alarms`). A worker killed inside the HTTP call leaves the message to be sent
again with the same message id; the CAD deduplicates by it (integrator's guide). The kind has a
delivery task of its own on the queue `cad` (tasks.py): a slow CAD holds only the CAD workers.
"""

from __future__ import annotations

import json
import logging
import uuid

from django.conf import settings
from django.utils import timezone

from federation.emergency_112.cad_sender import Verdict, send_document
from federation.emergency_112.inbox import touch
from federation.emergency_112.models import AlarmKind, EmergencyCentre, Incident, IncidentAlarm
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope
from federation.messaging.outbox import region, send

log = logging.getLogger(__name__)

CAD_KIND = "emergency_112.cad"
# Its own delivery task, routed to the queue `cad` (tasks.py, CELERY_TASK_ROUTES).
CAD_DELIVERY_TASK = "emergency_112.deliver_cad"

PAYLOAD_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["centre", "incident", "document"],
    "properties": {
        "centre": {"type": "string", "minLength": 1, "maxLength": 40},
        "incident": {"type": "integer", "minimum": 1},
        "document": {
            "type": "object",
            "required": ["requestForService"],
            "properties": {
                "requestForService": {"type": "object", "required": ["messageId", "incidentId", "eido"]}
            },
        },
    },
}


class CadUnavailable(Exception):
    """The CAD did not take the document this time (down, 5xx, 408/429, timeout): retried."""


class CadRefused(PermanentError):
    """The CAD (or our own rules) refuse the document for good: a dead letter and an alarm."""

    code = "cad_refused"


def encode(document: dict[str, object]) -> bytes:
    """The exact bytes signed and sent: the same for every attempt of a message."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def queue_for_cad(centre: EmergencyCentre, incident: Incident, document: dict[str, object]) -> uuid.UUID:
    """Queue the document for the centre's CAD; the caller's transaction commits it with the change."""
    return send(
        CAD_KIND,
        {"centre": centre.slug, "incident": incident.pk, "document": document},
        target=region(),
        ordering_key=f"cad:{centre.slug}:{incident.pk}",
        max_attempts=int(settings.EMERGENCY_CAD_MAX_ATTEMPTS),
    )


def deliver_to_cad(envelope: Envelope) -> None:
    """The handler: POST the document; return when the CAD took it, raise otherwise."""
    payload = envelope.payload
    centre = EmergencyCentre.objects.filter(slug=payload["centre"]).first()
    if centre is None or not (centre.is_active and centre.runs_own_cad):
        raise CadRefused(f"centre {payload['centre']!r} no longer runs an active CAD")
    if not (centre.endpoint_url.startswith("https://") or settings.EMERGENCY_CAD_ALLOW_PLAIN_HTTP):
        # A signed incident with personal data never travels in clear text.
        raise CadRefused(f"the CAD endpoint of {centre.slug!r} is not https://")
    document = payload["document"]
    outcome = send_document(
        endpoint_url=centre.endpoint_url,
        secret=centre.secret,
        body=encode(document),
        message_id=str(document["requestForService"]["messageId"]),
    )
    detail = f"CAD {centre.slug}: {outcome.status_code or ''} {outcome.detail[:300]}".strip()
    if outcome.verdict == Verdict.DEAD:
        raise CadRefused(detail)
    if outcome.verdict == Verdict.RETRY:
        raise CadUnavailable(detail)
    # Delivered: an alarm raised for an earlier dead copy (since replayed) is over.
    if IncidentAlarm.objects.filter(
        incident_id=payload["incident"], kind=AlarmKind.CAD_UNDELIVERABLE, resolved_at__isnull=True
    ).update(resolved_at=timezone.now()):
        touch([payload["incident"]])  # the inbox shows the alarm gone
    log.info(
        "cad delivery %s to %s: delivered (attempt %s)", envelope.message_id, centre.slug, envelope.attempt
    )
