"""Asking a worker to deliver: by task name, so the outbox, the sweep and replay need not import the
tasks module (which runs the sweep)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from celery import current_app
from django_tenants.utils import get_public_schema_name

from federation.messaging.delivery import Report, Result
from federation.messaging.handlers import delivery_task_for
from federation.messaging.models import DeliveredVia, Message

logger = logging.getLogger(__name__)

SWEEP_TASK = "federation.sweep"


def public_headers() -> dict[str, str]:
    # tenant-schemas-celery would stamp the sender's schema; the relay works on the public outbox.
    return {"_schema_name": get_public_schema_name()}


def kick(
    message_id: uuid.UUID | str, via: DeliveredVia, countdown: float | None = None, *, kind: str | None = None
) -> bool:
    """Ask a worker to deliver the message (now, or after `countdown` seconds), through the task its
    kind is delivered by (looked up when `kind` is not given; the settings route each task to its
    queue).

    Never raises: when the broker is unreachable the message stays in the outbox and the sweep
    delivers it.
    """
    try:
        if kind is None:
            kind = Message.objects.filter(pk=message_id).values_list("kind", flat=True).first() or ""
        current_app.send_task(
            delivery_task_for(kind),
            (str(message_id), str(via)),
            countdown=countdown,
            headers=public_headers(),
        )
    except Exception:
        logger.warning("federation: could not kick the relay; the sweep will deliver", exc_info=True)
        return False
    return True


def schedule_retries(reports: Iterable[Report]) -> None:
    for report in reports:
        if report.result == Result.RETRY_SCHEDULED:
            kick(report.message_id, DeliveredVia.RETRY, countdown=report.retry_in)


def kick_sweep() -> None:
    try:
        current_app.send_task(SWEEP_TASK, headers=public_headers())
    except Exception:
        logger.warning("federation: could not queue a sweep", exc_info=True)
