"""Celery tasks of the 112 register. They run in the public schema (the regional level)."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

from federation.emergency_112 import cad_delivery, watchdog

FOLLOW_UP_KEY = "emergency112:cad:follow-up"
MAX_FOLLOW_UP_SECONDS = 60.0


@shared_task(name="emergency_112.deliver_cad_documents", ignore_result=True)
def deliver_cad_documents(follow_up: bool = False) -> dict[str, int]:
    """Send due CAD documents; then book one run for the next retry, unless one is booked."""
    if follow_up:
        cache.delete(FOLLOW_UP_KEY)  # this is the booked run: the next one may be booked
    with schema_context(get_public_schema_name()):
        counts = cad_delivery.deliver_due()
        wait = cad_delivery.seconds_until_next_due()
    if wait is not None:
        wait = min(wait, MAX_FOLLOW_UP_SECONDS)
        # One booked follow-up at a time (kicks from many incidents must not multiply them);
        # the beat sweep below covers a follow-up lost with a dead worker.
        # The booking expires on its own if the booked run dies with its worker.
        if cache.add(FOLLOW_UP_KEY, 1, timeout=int(wait) + 30):
            cad_delivery.kick_delivery(countdown=wait, follow_up=True)
    return counts


@shared_task(name="emergency_112.sweep_cad_deliveries", ignore_result=True)
def sweep_cad_deliveries() -> dict[str, int]:
    """Beat safety net: whatever is due is sent, whether or not a kick reached a worker."""
    with schema_context(get_public_schema_name()):
        return cad_delivery.deliver_due()


@shared_task(name="emergency_112.raise_ack_alarms", ignore_result=True)
def raise_ack_alarms() -> int:
    with schema_context(get_public_schema_name()):
        return len(watchdog.raise_ack_alarms())
