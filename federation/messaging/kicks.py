"""Asking workers to deliver: one drain task per target and lane, never one per message, and never
at the sender's expense.

A commit that sends messages queues at most one drain per (lane, target) it sent to, and only when
none is queued already: a mark in the broker's Redis (`SET NX`, with an expiry) says "a drain of
this target is queued"; the drain deletes it when it starts, so what commits after that start
queues the next one. Overload therefore never multiplies tasks: the broker holds at most one
waiting drain per target and lane however many messages wait, and the sweep's kicks are no-ops
while one is queued.

Kicks run after the sender's commit, usually on a request: the broker gets
FEDERATION_KICK_TIMEOUT_SECONDS, no retries, and after a failure this process skips kicks for
FEDERATION_KICK_PAUSE_SECONDS. Nothing is lost by a skipped kick: the message is in the outbox and
the sweep delivers it once the broker is back.

Tasks are sent by name, so the outbox, the sweep and replay need not import the tasks module.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterable

import redis
from celery import current_app
from django.conf import settings
from django.db import transaction
from django_tenants.utils import get_public_schema_name

from federation.messaging import conf
from federation.messaging.delivery import Report, Result
from federation.messaging.handlers import delivery_task_for
from federation.messaging.models import DeliveredVia, Lane, Message

logger = logging.getLogger(__name__)

SWEEP_TASK = "federation.sweep"
# The batch lanes' tasks; the settings route the urgent one to a queue (and workers) of its own.
DRAIN_TASKS = {Lane.DEFAULT: "federation.drain", Lane.URGENT: "federation.drain_urgent"}
MARK_PREFIX = "federation:kick:"


def public_headers() -> dict[str, str]:
    # tenant-schemas-celery would stamp the sender's schema; the relay works on the public outbox.
    return {"_schema_name": get_public_schema_name()}


def drain_mark(lane: str, target: str) -> str:
    return f"{MARK_PREFIX}drain:{lane}:{target}"


def message_mark(message_id: uuid.UUID | str) -> str:
    return f"{MARK_PREFIX}message:{message_id}"


# ------------------------------------------------------------------ the broker, failing fast

_lock = threading.Lock()
_client: redis.Redis | None = None
_paused_until = 0.0


def _marks() -> redis.Redis | None:
    """The broker's Redis for the marks, or None while kicks are paused after a failure."""
    global _client
    if time.monotonic() < _paused_until:
        return None
    if _client is None:
        timeout = float(conf.get("FEDERATION_KICK_TIMEOUT_SECONDS"))
        with _lock:
            if _client is None:
                # redis-py retries nothing on a client made from a URL: one try, bounded by the timeouts.
                _client = redis.Redis.from_url(
                    settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout
                )
    return _client


def _pause() -> None:
    global _paused_until
    pause = float(conf.get("FEDERATION_KICK_PAUSE_SECONDS"))
    _paused_until = time.monotonic() + pause
    logger.warning(
        "federation: the broker is unreachable; kicks are skipped for %.0f s, the sweep delivers",
        pause,
        exc_info=True,
    )


def resume_kicks() -> None:
    """Forget a pause (tests; a process that knows the broker is back)."""
    global _paused_until
    _paused_until = 0.0


def _queue(mark: str, mark_seconds: float, task: str, args: tuple, countdown: float | None) -> bool:
    """Send `task` unless `mark` says it is queued already. True when the work is queued (now or
    before); False when the broker could not be reached (never raises)."""
    client = _marks()
    if client is None:
        return False
    try:
        if not client.set(mark, "1", nx=True, ex=max(1, math.ceil(mark_seconds))):
            return True  # already queued: coalesced
    except Exception:
        _pause()
        return False
    try:
        current_app.send_task(task, args, countdown=countdown, headers=public_headers())
    except Exception:
        try:
            client.delete(mark)  # so the next kick tries again
        except Exception:
            logger.debug("federation: mark %s left to expire", mark)
        _pause()
        return False
    return True


# ------------------------------------------------------------------ kicks


def kick_drain(
    target: str, lane: str, *, via: DeliveredVia | str = DeliveredVia.KICK, countdown: float | None = None
) -> bool:
    """Have the messages of `target` in a batch lane delivered: now, or in `countdown` seconds
    (a retry's backoff). Coalesced; never raises (False: the broker could not be reached)."""
    mark_seconds = float(conf.get("FEDERATION_KICK_MARK_SECONDS"))
    if countdown is None or countdown <= 0:
        mark = drain_mark(lane, target)
        return _queue(mark, mark_seconds, DRAIN_TASKS[Lane(lane)], (target, str(lane), str(via), mark), None)
    # Retries of one target due in the same second share a delayed drain, run at that second's end.
    due = math.ceil(time.time() + countdown)
    mark = f"{MARK_PREFIX}retry:{lane}:{target}:{due}"
    args = (target, str(lane), str(DeliveredVia.RETRY), "")
    return _queue(mark, due - time.time() + mark_seconds, DRAIN_TASKS[Lane(lane)], args, due - time.time())


def kick(
    message_id: uuid.UUID | str,
    via: DeliveredVia | str,
    countdown: float | None = None,
    *,
    kind: str | None = None,
    target: str | None = None,
    lane: str | None = None,
) -> bool:
    """Have one message delivered: its target's drain, or for a kind with a task of its own, that
    task for this message (its mark per message). What is not given is read from the outbox.

    Never raises: when the broker is unreachable the message stays in the outbox and the sweep
    delivers it.
    """
    try:
        if kind is None or target is None or lane is None:
            row = Message.objects.filter(pk=message_id).values_list("kind", "target_schema", "lane").first()
            if row is None:
                return False
            kind, target, lane = row
    except Exception:
        logger.warning("federation: could not look the message up to kick it", exc_info=True)
        return False
    if lane != Lane.OWN:
        return kick_drain(target, lane, via=via, countdown=countdown)
    mark_seconds = float(conf.get("FEDERATION_KICK_MARK_SECONDS")) + (countdown or 0)
    args = (str(message_id), str(via))
    return _queue(message_mark(message_id), mark_seconds, delivery_task_for(kind), args, countdown)


Unreachable = Callable[[str, str], None]


class _DrainsAfterCommit:
    """One on-commit callback per transaction, however many messages it sends: a kick per target,
    and what to do instead when the broker cannot be reached (112's lane: drain it here)."""

    def __init__(self) -> None:
        self.targets: dict[tuple[str, str], Unreachable | None] = {}

    def __call__(self) -> None:
        for (target, lane), unreachable in self.targets.items():
            if not kick_drain(target, lane) and unreachable is not None:
                unreachable(target, lane)


def kick_drain_on_commit(target: str, lane: str, unreachable: Unreachable | None = None) -> None:
    """Kick the drain of (lane, target) once the current transaction commits (once per transaction);
    `unreachable(target, lane)` runs instead when the broker cannot be reached."""
    connection = transaction.get_connection()
    # Joined to this transaction's pending callback when there is one. A callback that a savepoint's
    # rollback removes takes only kicks made inside that savepoint with it (they were rolled back too).
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _DrainsAfterCommit):
            callback.targets[(target, lane)] = unreachable
            return
    callback = _DrainsAfterCommit()
    callback.targets[(target, lane)] = unreachable
    transaction.on_commit(callback, robust=True)


def forget_mark(mark: str) -> None:
    """Delete a mark (a drain deletes its own when it starts). Never raises."""
    client = _marks()
    if client is None or not mark:
        return
    try:
        client.delete(mark)
    except Exception:
        _pause()


def forget_all_marks() -> None:
    """Delete every kick mark (after the broker's queues were purged: no mark may outlive its task)."""
    client = _marks()
    if client is None:
        return
    keys = list(client.scan_iter(match=f"{MARK_PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)


def schedule_retries(reports: Iterable[Report]) -> None:
    for report in reports:
        if report.result == Result.RETRY_SCHEDULED:
            kick(report.message_id, DeliveredVia.RETRY, countdown=report.retry_in)


def kick_sweep() -> None:
    try:
        current_app.send_task(SWEEP_TASK, headers=public_headers())
    except Exception:
        logger.warning("federation: could not queue a sweep", exc_info=True)
