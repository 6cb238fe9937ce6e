"""The platform's operational figures, logged as JSON lines for the deployment's alarms.

Beat runs `ikomek.tasks.log_ops_metrics` every minute: one log line per figure, with the fields
`metric`, `value` (and `queue` for a queue's depth). The deployment turns the lines into metrics
(the metric filters of infra/terraform/modules/monitoring, or log rules elsewhere); the contract is
in infra/README.md. Logs, not an API call: the platform needs no monitoring credentials or SDK.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from kombu.exceptions import ChannelError

from federation.messaging.models import Message, MessageState
from ikomek.celery import app

logger = logging.getLogger("ikomek.ops_metrics")

OPEN_STATES = (MessageState.PENDING, MessageState.RETRYING, MessageState.DELIVERING)


def queue_depths(queues: Iterable[str]) -> dict[str, int]:
    """Tasks waiting in each Celery queue (the broker's lists; tasks a worker holds are not waiting)."""
    depths = {}
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        for queue in queues:
            try:
                depths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
            except ChannelError:
                depths[queue] = 0  # Redis drops an empty list: nothing waits
    return depths


def relay_lag_seconds() -> float:
    """Age of the oldest federation message not yet delivered (0 when none waits)."""
    oldest = Message.objects.filter(state__in=OPEN_STATES).aggregate(at=Min("created_at"))["at"]
    return round((timezone.now() - oldest).total_seconds(), 1) if oldest else 0.0


def dead_letter_count() -> int:
    return Message.objects.filter(state=MessageState.DEAD).count()


def collect() -> list[dict[str, object]]:
    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    figures: list[dict[str, object]] = [
        {"metric": "queue_depth", "queue": queue, "value": depth}
        for queue, depth in queue_depths(queues).items()
    ]
    figures.append({"metric": "federation_relay_lag_seconds", "value": relay_lag_seconds()})
    figures.append({"metric": "federation_dead_letters", "value": dead_letter_count()})
    return figures


def log_figures() -> list[dict[str, object]]:
    figures = collect()
    for figure in figures:
        # The JSON formatter puts `extra` fields at the top level of the line: {"metric": ..., "value": ...}.
        logger.info("ops metric", extra=figure)
    return figures
