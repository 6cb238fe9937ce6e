"""Celery tasks of the relay. They run in the public schema (the outbox's), whatever sent them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from celery import shared_task
from celery.signals import worker_ready
from django_tenants.utils import get_public_schema_name

from federation.messaging.delivery import Report, Result, deliver_in_order
from federation.messaging.handlers import DEFAULT_DELIVERY_TASK, delivery_task_for
from federation.messaging.models import DeliveredVia, Message

logger = logging.getLogger(__name__)


def _public() -> dict[str, str]:
    # tenant-schemas-celery would stamp the sender's schema; the relay works on the public outbox.
    return {"_schema_name": get_public_schema_name()}


def kick(
    message_id: uuid.UUID | str, via: DeliveredVia, countdown: float | None = None, *, kind: str | None = None
) -> bool:
    """Ask a worker to deliver the message (now, or after `countdown` seconds), through the task its
    kind is delivered by (looked up when `kind` is not given).

    Never raises: when the broker is unreachable the message stays in the outbox and the sweep
    delivers it.
    """
    try:
        if kind is None:
            kind = Message.objects.filter(pk=message_id).values_list("kind", flat=True).first() or ""
        task = delivery_task_for(kind)
        # By name: the settings route each delivery task to its queue.
        app = deliver_task.app
        app.send_task(task, (str(message_id), str(via)), countdown=countdown, headers=_public())
    except Exception:
        logger.warning("federation: could not kick the relay; the sweep will deliver", exc_info=True)
        return False
    return True


def schedule_retries(reports: Iterable[Report]) -> None:
    for report in reports:
        if report.result == Result.RETRY_SCHEDULED:
            kick(report.message_id, DeliveredVia.RETRY, countdown=report.retry_in)


def deliver_and_schedule(message_id: str, via: str, *, limit: int = 100) -> list[str]:
    """The body of every delivery task: deliver (and the messages waiting for it), kick retries."""
    reports = deliver_in_order(message_id, via=DeliveredVia(via), limit=limit)
    schedule_retries(reports)
    # Shown in the worker's log ("succeeded in 0.01s: ['<id>:delivered']").
    return [f"{report.message_id}:{report.result}" for report in reports]


@shared_task(name=DEFAULT_DELIVERY_TASK, ignore_result=True)
def deliver_task(message_id: str, via: str = DeliveredVia.KICK) -> list[str]:
    return deliver_and_schedule(message_id, via)


@shared_task(name="federation.sweep", ignore_result=True)
def sweep_task() -> dict[str, int]:
    from federation.messaging.sweep import sweep  # the sweep module schedules retries through this one

    return sweep().counts


@shared_task(name="federation.prune", ignore_result=True)
def prune_task() -> int:
    from federation.messaging.sweep import prune_delivered  # see sweep_task

    return prune_delivered()


@shared_task(name="federation.prune_receipts", ignore_result=True)
def prune_receipts_task() -> int:
    """In the schema it was sent into: the region's receipts, or one akimat's (beat fans it out)."""
    from federation.messaging.inbox.prune import prune_receipts

    return prune_receipts()


def kick_sweep() -> None:
    try:
        sweep_task.apply_async(headers=_public())
    except Exception:
        logger.warning("federation: could not queue a sweep", exc_info=True)


@worker_ready.connect(dispatch_uid="federation_sweep_on_worker_start")
def _sweep_when_a_worker_starts(**_kwargs: object) -> None:
    # A worker that starts (again) picks up what a dead one left half-done, without waiting for beat.
    kick_sweep()
