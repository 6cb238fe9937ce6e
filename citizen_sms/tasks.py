"""The SMS delivery task, routed to the queue of calls to outside parties (`webhooks`, settings):
its workers may wait on a slow provider while the rest of the relay goes on."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from citizen_sms.delivery import DELIVERY_TASK
from federation.messaging.models import DeliveredVia
from federation.messaging.tasks import deliver_and_schedule


@shared_task(name=DELIVERY_TASK, ignore_result=True)
def deliver_sms(message_id: str, via: str = DeliveredVia.KICK) -> list[str]:
    """An SMS message (and the newer ones of its appeal waiting for it)."""
    per_call = settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS + settings.WEBHOOK_DEADLINE_SECONDS
    return deliver_and_schedule(
        message_id, via, limit=max(1, int(settings.WEBHOOK_TASK_SOFT_TIME_LIMIT // per_call))
    )
