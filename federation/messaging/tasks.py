"""Celery tasks of the relay. They run in the public schema (the outbox's), whatever sent them.

`federation.drain` and `federation.drain_urgent` (routed to the queue `urgent`, workers of its own)
deliver the due messages of one target in batches; a kind with a delivery task of its own (the CAD's)
is delivered one message per task through `deliver_and_schedule`.
"""

from __future__ import annotations

import logging
import time

from celery import shared_task
from celery.signals import worker_ready

from federation.messaging import conf
from federation.messaging.delivery import deliver_in_order
from federation.messaging.drains import drain
from federation.messaging.handlers import DEFAULT_DELIVERY_TASK
from federation.messaging.kicks import (
    DRAIN_TASKS,
    forget_mark,
    kick,
    kick_sweep,
    message_mark,
    schedule_retries,
)
from federation.messaging.models import DeliveredVia, Lane, Message, MessageState
from federation.messaging.sweep import prune_delivered, sweep

logger = logging.getLogger(__name__)

__all__ = [
    "deliver_and_schedule",
    "deliver_task",
    "drain_task",
    "drain_urgent_task",
    "kick",
    "kick_sweep",
    "prune_task",
    "sweep_task",
]


# When this process's last drain of (target, lane) ended (time.monotonic()).
_ended: dict[tuple[str, str], float] = {}


def drain_and_report(target: str, lane: str, via: str, mark: str) -> dict[str, object]:
    """The body of both drain tasks: linger when the last drain of the target has just ended (the
    default lane), forget the kick's mark (what commits from now on queues the next drain), then
    drain."""
    linger_until = _ended.get((target, lane), 0.0) + lingers(lane)
    if (wait := linger_until - time.monotonic()) > 0:
        time.sleep(wait)  # the mark is still set: what commits meanwhile queues no task, it waits here
    forget_mark(mark)
    try:
        return drain(target, lane, via=DeliveredVia(via)).summary()
    finally:
        _ended[(target, lane)] = time.monotonic()


def lingers(lane: str) -> float:
    """How long a drain of `lane` waits after the previous one of its target: 112 never does."""
    return 0.0 if lane == Lane.URGENT else float(conf.get("FEDERATION_DRAIN_LINGER_SECONDS"))


@shared_task(name=DRAIN_TASKS[Lane.DEFAULT], ignore_result=True)
def drain_task(target: str, lane: str = Lane.DEFAULT, via: str = DeliveredVia.KICK, mark: str = "") -> dict:
    return drain_and_report(target, lane, via, mark)


@shared_task(name=DRAIN_TASKS[Lane.URGENT], ignore_result=True)
def drain_urgent_task(
    target: str, lane: str = Lane.URGENT, via: str = DeliveredVia.KICK, mark: str = ""
) -> dict:
    return drain_and_report(target, lane, via, mark)


def deliver_and_schedule(message_id: str, via: str, *, limit: int = 100) -> list[str]:
    """One message (and the messages of its key waiting for it), for a kind with a task of its own;
    its retries are kicked to that task."""
    forget_mark(message_mark(message_id))
    reports = deliver_in_order(message_id, via=DeliveredVia(via), limit=limit)
    schedule_retries(reports)
    # Shown in the worker's log ("succeeded in 0.01s: ['<id>:delivered']").
    return [f"{report.message_id}:{report.result}" for report in reports]


@shared_task(name=DEFAULT_DELIVERY_TASK, ignore_result=True)
def deliver_task(message_id: str, via: str = DeliveredVia.KICK) -> list[str] | dict:
    """One task per message was the relay before batches: such a task, still queued after an
    upgrade, drains its message's target instead."""
    row = (
        Message.objects.filter(pk=message_id)
        .exclude(state__in=(MessageState.DELIVERED, MessageState.DEAD))
        .values_list("target_schema", "lane")
        .first()
    )
    if row is None:
        return [f"{message_id}:done_already"]
    target, lane = row
    if lane == Lane.OWN:
        return deliver_and_schedule(message_id, via)
    return drain(target, lane, via=DeliveredVia(via)).summary()


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
