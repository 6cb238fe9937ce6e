"""Delivering a webhook message: POST the notice, signed, to the integrator's URL.

The relay calls this (kind `integrations.webhook`, on a task and queue of their own, `webhooks`, so
a slow integrator holds only those workers) with the outbox's retries and backoff, dead letters
after WEBHOOK_MAX_ATTEMPTS and `manage.py federation_replay`. 2xx: delivered; 408, 429, 5xx,
timeouts and refused connections: retried; any other 4xx: dead at once (a wrong secret, a gone
endpoint: replay once it is fixed). The call ends at a wall-clock deadline and reads a bounded
answer (the CAD's call, federation.emergency_112.cad_sender.post_signed).

Signature: the CAD's scheme (decision 10), HMAC-SHA256 over `<timestamp>.<body>` sent as
`X-Ikomek-Signature: v1=<hex>`, with `X-Ikomek-Timestamp` and `X-Ikomek-Message-Id`; while a
rotation overlaps, one `v1=` per secret, comma-separated. The message id is the delivery's id: the
same on every attempt and replay, and inside the signed body (`id`), so the receiver deduplicates
by it and it cannot be swapped.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.conf import settings
from django.utils import timezone

from federation.emergency_112.cad_sender import CallLimits, Verdict, post_signed
from federation.emergency_112.signing import MESSAGE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope, TargetScope, register
from integrations.endpoints import checked_url
from integrations.errors import WebhookError
from integrations.feed import WEBHOOK_KIND
from integrations.models import Webhook

log = logging.getLogger(__name__)

DELIVERY_TASK = "integrations.deliver_webhook"

PAYLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["webhook", "notice"],
    "properties": {
        "webhook": {"type": "integer", "minimum": 1},
        "notice": {"type": "object", "required": ["type", "occurred_at", "change", "appeal"]},
    },
}


class WebhookUnavailable(Exception):
    """The integrator did not take it this time (down, 5xx, 408/429, timeout): retried."""


class WebhookRefused(PermanentError):
    """Refused for good (a 4xx, or an address no longer allowed): a dead letter, to replay."""

    code = "webhook_refused"


def register_kind() -> None:
    register(
        WEBHOOK_KIND,
        deliver_webhook,
        payload_schema=PAYLOAD_SCHEMA,
        targets=TargetScope.SELF,
        delivery_task=DELIVERY_TASK,
    )


def limits() -> CallLimits:
    return CallLimits(
        connect_seconds=float(settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS),
        read_seconds=float(settings.WEBHOOK_READ_TIMEOUT_SECONDS),
        deadline_seconds=float(settings.WEBHOOK_DEADLINE_SECONDS),
        max_response_bytes=int(settings.WEBHOOK_MAX_RESPONSE_BYTES),
    )


def body_of(envelope: Envelope) -> bytes:
    """The exact bytes signed and sent: the same on every attempt of a message."""
    document = {
        "id": str(envelope.message_id),
        "akimat": envelope.source_schema,
        **envelope.payload["notice"],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def signed_headers(
    secrets: list[str], body: bytes, message_id: str, *, now: float | None = None
) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        SIGNATURE_HEADER: ",".join(signature(secret, timestamp, body) for secret in secrets),
        TIMESTAMP_HEADER: timestamp,
        MESSAGE_ID_HEADER: message_id,
    }


def deliver_webhook(envelope: Envelope) -> None:
    """The handler: POST the notice; return when the integrator took it, raise otherwise."""
    webhook = Webhook.objects.filter(pk=envelope.payload["webhook"]).first()
    if webhook is None:
        # Deleted since: acknowledged without a call (the integrator asked for no more).
        log.info("webhook delivery %s: webhook %s is gone", envelope.message_id, envelope.payload["webhook"])
        return
    try:
        url = checked_url(webhook.url)
    except WebhookError as error:
        raise WebhookRefused(f"webhook {webhook.pk}: {error.problem.code}") from None
    body = body_of(envelope)
    headers = signed_headers(webhook.signing_secrets(timezone.now()), body, str(envelope.message_id))
    # Where the name leads is checked at the connection (development's receivers are on loopback).
    outcome = post_signed(url, body, headers, limits(), public_only=not settings.WEBHOOK_ALLOW_PLAIN_HTTP)
    detail = f"webhook {webhook.pk}: {outcome.status_code or ''} {outcome.detail[:300]}".strip()
    if outcome.verdict == Verdict.DEAD:
        raise WebhookRefused(detail)
    if outcome.verdict == Verdict.RETRY:
        raise WebhookUnavailable(detail)
