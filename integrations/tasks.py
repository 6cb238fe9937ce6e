"""The webhook delivery task, routed to the queue `webhooks` (settings): its workers may wait on a
slow integrator (up to WEBHOOK_DEADLINE_SECONDS a call) while the rest of the relay goes on."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from federation.messaging.models import DeliveredVia
from federation.messaging.tasks import deliver_and_schedule
from integrations.delivery import DELIVERY_TASK


@shared_task(name=DELIVERY_TASK, ignore_result=True)
def deliver_webhook(message_id: str, via: str = DeliveredVia.KICK) -> list[str]:
    """A webhook message (and the newer ones of its appeal waiting for it)."""
    per_call = settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS + settings.WEBHOOK_DEADLINE_SECONDS
    return deliver_and_schedule(
        message_id, via, limit=max(1, int(settings.WEBHOOK_TASK_SOFT_TIME_LIMIT // per_call))
    )
