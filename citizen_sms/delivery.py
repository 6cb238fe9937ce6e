"""Delivering an SMS message: POST it to the provider, as the relay delivers any message (kind
`citizen_sms.answer`, on the queue of calls to outside parties, `webhooks`), with the outbox's
retries and backoff, dead letters after SMS_MAX_ATTEMPTS and `manage.py federation_replay`.

The provider's API is the simplest common shape: `POST SMS_PROVIDER_URL` with
`Authorization: Bearer SMS_PROVIDER_TOKEN` and JSON `{"id", "to", "sender", "text"}`; `id` is the
delivery's id, the same on every attempt and replay, so the provider deduplicates by it (also sent
as `Idempotency-Key`). 2xx: sent; 408, 429, 5xx, timeouts and refused connections: retried; any
other 4xx: dead at once (a wrong token, a refused number: replay once it is fixed). The call is the
CAD's bounded call (wall-clock deadline, bounded answer, no redirects)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings

from citizen_sms.feed import SMS_KIND
from federation.emergency_112.cad_sender import Verdict, post_signed
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope, TargetScope, register
from integrations.delivery import limits  # the webhooks' bounded call: the same outside-call settings

log = logging.getLogger(__name__)

DELIVERY_TASK = "citizen_sms.deliver"

PAYLOAD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["phone", "text", "number"],
    "properties": {
        "phone": {"type": "string", "pattern": r"^\+[1-9][0-9]{6,14}$"},
        "text": {"type": "string", "minLength": 1, "maxLength": 1000},
        "number": {"type": "integer", "minimum": 1},
    },
}


class SmsUnavailable(Exception):
    """The provider did not take it this time (down, 5xx, 408/429, timeout): retried."""


class SmsRefused(PermanentError):
    """Refused for good (a 4xx, no provider set any more): a dead letter, to replay."""

    code = "sms_refused"


def register_kind() -> None:
    register(
        SMS_KIND,
        deliver_sms,
        payload_schema=PAYLOAD_SCHEMA,
        targets=TargetScope.SELF,
        delivery_task=DELIVERY_TASK,
    )


def body_of(envelope: Envelope) -> bytes:
    document = {
        "id": str(envelope.message_id),
        "to": envelope.payload["phone"],
        "sender": settings.SMS_SENDER,
        "text": envelope.payload["text"],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def deliver_sms(envelope: Envelope) -> None:
    """The handler: POST the SMS; return when the provider took it, raise otherwise."""
    if not settings.SMS_PROVIDER_URL:
        raise SmsRefused("no SMS provider is set (SMS_PROVIDER_URL): replay once one is")
    headers = {
        "Authorization": f"Bearer {settings.SMS_PROVIDER_TOKEN}",
        "Idempotency-Key": str(envelope.message_id),
    }
    outcome = post_signed(settings.SMS_PROVIDER_URL, body_of(envelope), headers, limits())
    detail = (
        f"sms for appeal {envelope.payload['number']}: {outcome.status_code or ''} {outcome.detail[:300]}"
    )
    if outcome.verdict == Verdict.DEAD:
        raise SmsRefused(detail.strip())
    if outcome.verdict == Verdict.RETRY:
        raise SmsUnavailable(detail.strip())
    log.info("sms delivered: %s", envelope.message_id)
