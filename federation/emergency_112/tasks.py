"""Celery tasks of the 112 register. They run in the public schema (the regional level).

Deliveries to akimats are federation messages sent by the relay's tasks. Documents to a centre's
own CAD have a delivery task of their own, `emergency_112.deliver_cad`, which the settings route to
the queue `cad`: its workers may wait on a slow CAD (up to EMERGENCY_CAD_DEADLINE_SECONDS a call)
while transfers, the read model and 112 forwards go on on the others.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django_tenants.utils import get_public_schema_name, schema_context

from federation.emergency_112 import watchdog
from federation.emergency_112.cad_outbox import CAD_DELIVERY_TASK
from federation.messaging.models import DeliveredVia
from federation.messaging.tasks import deliver_and_schedule


@shared_task(name="emergency_112.raise_ack_alarms", ignore_result=True)
def raise_ack_alarms() -> int:
    """Beat: alarms for incidents 112 has not acknowledged in time, and for undeliverable CAD documents."""
    with schema_context(get_public_schema_name()):
        return len(watchdog.raise_ack_alarms()) + len(watchdog.raise_cad_alarms())


@shared_task(name=CAD_DELIVERY_TASK, ignore_result=True)
def deliver_cad(message_id: str, via: str = DeliveredVia.KICK) -> list[str]:
    """A CAD document (and the newer ones of its incident waiting for it), on the `cad` queue."""
    return deliver_and_schedule(message_id, via, limit=cad_documents_per_task())


def cad_documents_per_task() -> int:
    """As many calls as fit, each to its deadline, in the task's soft time limit; the rest wait for
    their own kick or the sweep."""
    per_call = settings.EMERGENCY_CAD_CONNECT_TIMEOUT_SECONDS + settings.EMERGENCY_CAD_DEADLINE_SECONDS
    return max(1, int(settings.EMERGENCY_CAD_TASK_SOFT_TIME_LIMIT // per_call))
