"""Celery tasks of the relay. They run in the public schema (the outbox's), whatever sent them."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from federation.messaging.delivery import deliver_in_order
from federation.messaging.handlers import DEFAULT_DELIVERY_TASK
from federation.messaging.kicks import kick, kick_sweep, schedule_retries
from federation.messaging.models import DeliveredVia
from federation.messaging.sweep import prune_delivered, sweep

logger = logging.getLogger(__name__)

__all__ = ["deliver_and_schedule", "deliver_task", "kick", "kick_sweep", "prune_task", "sweep_task"]


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
    return sweep().counts


@shared_task(name="federation.prune", ignore_result=True)
def prune_task() -> int:
    return prune_delivered()


@shared_task(name="federation.prune_receipts", ignore_result=True)
def prune_receipts_task() -> int:
    """In the schema it was sent into: the region's receipts, or one akimat's (beat fans it out)."""
    from federation.messaging.inbox.prune import prune_receipts

    return prune_receipts()


@worker_ready.connect(dispatch_uid="federation_sweep_on_worker_start")
def _sweep_when_a_worker_starts(**_kwargs: object) -> None:
    # A worker that starts (again) picks up what a dead one left half-done, without waiting for beat.
    kick_sweep()
