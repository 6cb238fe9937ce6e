"""Durable delivery of documents to external CADs (table `cad_deliveries`).

A row is written in the same transaction as the incident change, so nothing acknowledged is lost.
Workers claim due rows with `SELECT … FOR UPDATE SKIP LOCKED` and keep the row lock while the
HTTP request runs: if a worker dies mid-delivery, PostgreSQL drops its transaction and the row
is due again for the next worker (the CAD deduplicates by message id). Until the federation outbox
lands this table is the outbox for CAD traffic; `cad_sender.send_document` is the part to move.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from federation.emergency_112.cad_sender import SendOutcome, Verdict, send_document
from federation.emergency_112.models import (
    AlarmKind,
    AlarmRecipient,
    CadDelivery,
    DeliveryStatus,
    EmergencyCentre,
    Incident,
    IncidentAlarm,
)

log = logging.getLogger(__name__)


def encode(document: dict[str, object]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def queue_delivery(centre: EmergencyCentre, incident: Incident, document: dict[str, object]) -> CadDelivery:
    """Record a document for the centre's CAD; the caller's transaction commits it with the change."""
    envelope = document["requestForService"]
    delivery = CadDelivery.objects.create(
        centre=centre, incident=incident, message_id=envelope["messageId"], body=encode(document)
    )
    transaction.on_commit(kick_delivery)
    return delivery


def kick_delivery(countdown: float = 0, *, follow_up: bool = False) -> None:
    """Ask a worker to drain due deliveries now; the beat sweep catches anything this misses."""
    from federation.emergency_112.tasks import deliver_cad_documents

    try:
        deliver_cad_documents.apply_async(
            kwargs={"follow_up": follow_up}, countdown=countdown, headers={"_schema_name": "public"}
        )
    except Exception:  # the broker being down must not fail the request; the sweep retries
        log.warning("could not enqueue CAD delivery; the periodic sweep will send it", exc_info=True)


def backoff_seconds(attempts: int) -> float:
    base = float(settings.EMERGENCY_CAD_BACKOFF_BASE_SECONDS)
    cap = float(settings.EMERGENCY_CAD_BACKOFF_MAX_SECONDS)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)  # jitter: centres recovering are not hit in lockstep


def _record(delivery: CadDelivery, outcome: SendOutcome) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = "" if outcome.verdict == Verdict.DELIVERED else outcome.detail[:2000]
    if outcome.verdict == Verdict.DELIVERED:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif outcome.verdict == Verdict.DEAD or delivery.attempts >= settings.EMERGENCY_CAD_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.DEAD
        IncidentAlarm.objects.bulk_create(
            [
                IncidentAlarm(
                    incident_id=delivery.incident_id,
                    kind=AlarmKind.CAD_UNDELIVERABLE,
                    recipient=AlarmRecipient.DUTY_OFFICER_112,
                    message=f"CAD {delivery.centre.slug}: {outcome.status_code or ''} {outcome.detail[:300]}",
                )
            ],
            ignore_conflicts=True,
        )
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff_seconds(delivery.attempts))
    delivery.save()


def deliver_one() -> CadDelivery | None:
    """Claim one due delivery, send it, record the outcome; None when nothing is due."""
    with transaction.atomic():
        delivery = (
            CadDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("centre")
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
            .order_by("next_attempt_at", "id")
            .first()
        )
        if delivery is None:
            return None
        centre = delivery.centre
        if not (centre.is_active and centre.runs_own_cad):
            outcome = SendOutcome(Verdict.DEAD, None, "the centre no longer runs an active CAD")
        elif not (centre.endpoint_url.startswith("https://") or settings.EMERGENCY_CAD_ALLOW_PLAIN_HTTP):
            # A signed incident with personal data never travels in clear text.
            outcome = SendOutcome(Verdict.DEAD, None, "the CAD endpoint is not https://")
        else:
            outcome = send_document(
                endpoint_url=centre.endpoint_url,
                secret=centre.secret,
                body=bytes(delivery.body),
                message_id=str(delivery.message_id),
            )
        _record(delivery, outcome)
    log.info(
        "cad delivery %s to %s: %s (attempt %s)",
        delivery.message_id,
        centre.slug,
        outcome.verdict,
        delivery.attempts,
    )
    return delivery


def deliver_due(limit: int = 100) -> dict[str, int]:
    """Drain due deliveries (at most `limit`); returns counts by verdict and the next due time."""
    counts = {"delivered": 0, "retry": 0, "dead": 0}
    for _ in range(limit):
        delivery = deliver_one()
        if delivery is None:
            break
        if delivery.status == DeliveryStatus.DELIVERED:
            counts["delivered"] += 1
        elif delivery.status == DeliveryStatus.DEAD:
            counts["dead"] += 1
        else:
            counts["retry"] += 1
    return counts


def seconds_until_next_due() -> float | None:
    next_at = (
        CadDelivery.objects.filter(status=DeliveryStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_at is None:
        return None
    return max(0.0, (next_at - timezone.now()).total_seconds())
