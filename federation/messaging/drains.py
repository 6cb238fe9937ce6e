"""A drain: one worker delivering everything due to one target in one lane, a batch at a time.

One drain per (lane, target) at a time: it holds a session-level advisory lock named
"drain:<lane>:<target>" (another one finds it taken and ends at once), so the batches of one target
never race for the receiver's rows, and the rows it claims name that key (`claimed_by`). When it
starts it takes over what a dead drain of its key left `delivering` (the lock was free, so that
drain is gone: `worker_lost`, the attempt counted, the message then delivered alone), delivers the
due messages marked `solo` one by one, then claims and applies batches until nothing claimable is
left or FEDERATION_DRAIN_SECONDS are used up.

When it ends it releases the lock and only then looks at what is still to come: due messages (new
ones its claim no longer saw, or the rest of a backlog) queue the next drain now, retries a drain at
their time. Whoever found the lock taken has ended by then, so nothing is left without a drain.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from federation.messaging import batches, conf, endpoints
from federation.messaging.delivery import deliver_in_order, deliverer_lock, record_failure
from federation.messaging.kicks import kick_drain
from federation.messaging.models import DeliveredVia, EventKind, Message, MessageState
from tenants.prepared_statements import prepared_statements

logger = logging.getLogger(__name__)


def drain_key(lane: str, target: str) -> str:
    return f"drain:{lane}:{target}"


@dataclass
class DrainReport:
    target: str
    lane: str
    counts: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    careful_batches: int = 0  # applied message by message after the fast transaction failed
    seconds: float = 0.0

    def summary(self) -> dict[str, object]:
        """What the task returns (the worker logs it)."""
        return {"target": self.target, "lane": self.lane, "batches": self.batches, **self.counts}


# The earliest time a message of (target, lane) can be claimed: the heads of their keys and the
# unkeyed ones (a message behind an open one of its key follows it, in this drain or its own).
NEXT_DUE_SQL = """
SELECT min(m.next_attempt_at) FROM public.federation_message AS m
 WHERE m.target_schema = %s AND m.lane = %s AND m.state IN ('pending', 'retrying')
   AND (m.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM public.federation_message AS p
         WHERE p.source_schema = m.source_schema AND p.ordering_key = m.ordering_key
           AND p.sequence < m.sequence AND p.state IN ('pending', 'delivering', 'retrying')))
"""

# Where the next messages of keys just closed here wait: another target's or lane's drain is
# kicked; this drain claims again only when some wait here.
SUCCESSORS_SQL = """
SELECT DISTINCT s.target_schema, s.lane FROM public.federation_message AS s
  JOIN unnest(%s::text[], %s::text[]) AS u(source, key)
    ON s.source_schema = u.source AND s.ordering_key = u.key
 WHERE s.state IN ('pending', 'retrying')
"""


def drain(
    target: str,
    lane: str,
    *,
    via: DeliveredVia = DeliveredVia.KICK,
    grace_seconds: float = 0.0,
    budget_seconds: float | None = None,
    batch_size: int | None = None,
) -> DrainReport:
    """Deliver what is due to `target` in `lane`; safe to call any number of times, from anywhere.

    `grace_seconds` leaves messages younger than that to their own kick (the sweep's drains).
    """
    if connection.in_atomic_block:
        raise RuntimeError("drain() commits its own transactions; call it outside transaction.atomic()")
    started = time.monotonic()
    report = DrainReport(target, lane)
    budget = budget_seconds if budget_seconds is not None else float(conf.get("FEDERATION_DRAIN_SECONDS"))
    size = batch_size or int(conf.get("FEDERATION_BATCH_SIZE"))
    key = drain_key(lane, target)
    _to_public()
    try:
        with deliverer_lock(key) as locked:
            if not locked:
                report.counts["busy"] += 1
                return report
            orphans, solo = _left_behind(key, target, lane, grace_seconds)
            _take_over(orphans, key, report)
            _deliver_solo(solo, via, report)
            akimat = endpoints.lookup([target]).get(target)
            # The batch's statements are the same every time: prepared, they are planned once (decision 85).
            with prepared_statements():
                while time.monotonic() - started < budget:
                    if akimat is not None and connection.schema_name != target:
                        # Stays there between batches: the relay's own SQL names the public schema.
                        connection.set_tenant(akimat)
                    claimed = batches.claim(target, lane, key, limit=size, grace_seconds=grace_seconds)
                    if not claimed:
                        break
                    result = batches.apply(claimed, target_schema=target, claimer=key, via=via)
                    report.batches += 1
                    report.careful_batches += result.careful
                    report.counts.update(result.counts)
                    _log_batch(report, result, len(claimed))
                    successors_here = bool(result.closed_keys) and _kick_successors(
                        result.closed_keys, target, lane
                    )
                    if len(claimed) < size and not successors_here:
                        # All that was claimable is done. Claiming again to find nothing cost a small
                        # drain (an emergency's) a third of its statements; what committed since is
                        # found after the lock is released (_queue_what_is_left).
                        break
    finally:
        _to_public()
        report.seconds = time.monotonic() - started
    _queue_what_is_left(target, lane)
    return report


def _to_public() -> None:
    # Only when elsewhere: each switch costs a SET search_path on the next query.
    if connection.schema_name != get_public_schema_name():
        connection.set_schema_to_public()


# The states are literals: a prepared statement's generic plan can then use the partial indexes of
# what is delivering and what is due alone (federation_message_delivering, federation_message_solo).
LEFT_BEHIND_SQL = """
SELECT id, state FROM public.federation_message
 WHERE (state = 'delivering' AND claimed_by = %s)
    OR (solo AND state IN ('pending', 'retrying') AND target_schema = %s AND lane = %s
        AND next_attempt_at <= %s)
 ORDER BY next_attempt_at
"""


def _left_behind(key: str, target: str, lane: str, grace_seconds: float) -> tuple[list, list]:
    """In one query: the rows a dead drain of this key left `delivering` (we hold its lock now, so
    it is gone), and the due messages of (target, lane) to deliver alone. Written out, not the ORM's:
    it runs at the start of every drain, and compiling its two-sided filter cost more than running it."""
    due = timezone.now() - timedelta(seconds=grace_seconds)
    with prepared_statements(), connection.cursor() as cursor:
        cursor.execute(LEFT_BEHIND_SQL, [key, target, lane, due])
        rows = cursor.fetchall()
    orphans, solo = [], []
    for message_id, state in rows:
        (orphans if state == MessageState.DELIVERING else solo).append(message_id)
    return orphans, solo


def _take_over(orphans: list, key: str, report: DrainReport) -> None:
    for message_id in orphans:
        with transaction.atomic():
            message = Message.objects.select_for_update().get(pk=message_id)
            if message.state != MessageState.DELIVERING or message.claimed_by != key:
                continue
            result = record_failure(
                message,
                f"attempt {message.attempts} was interrupted: the delivering process stopped "
                "(killed, or lost its database connection)",
                permanent=False,
                event=EventKind.WORKER_LOST,
            ).result
        report.counts[str(result)] += 1
    if orphans:
        logger.warning(
            "federation: took over a dead drain's batch", extra={"key": key, "messages": len(orphans)}
        )


def _deliver_solo(solo: list, via: DeliveredVia, report: DrainReport) -> None:
    """Messages whose last attempt died with its worker go alone, each in its own transactions."""
    for message_id in solo:
        # A retry, if it fails again, is queued with the rest when the drain ends.
        reports = deliver_in_order(message_id, via=via if via == DeliveredVia.SWEEP else DeliveredVia.RETRY)
        report.counts.update(str(r.result) for r in reports)


def _kick_successors(closed: set[tuple[str, str]], target: str, lane: str) -> bool:
    """Kick the drains where the next messages of the keys just closed wait; True when some wait
    in this drain's own target and lane (it claims them next)."""
    keys = sorted(closed)
    here = False
    with connection.cursor() as cursor:
        cursor.execute(SUCCESSORS_SQL, [[k[0] for k in keys], [k[1] for k in keys]])
        for other_target, other_lane in cursor.fetchall():
            if (other_target, other_lane) == (target, lane):
                here = True
            else:
                kick_drain(other_target, other_lane, via=DeliveredVia.SUCCESSOR)
    return here


def _queue_what_is_left(target: str, lane: str) -> None:
    """After the lock is released: the next drain for what is due, or for the next retry."""
    # Prepared: run after every drain, it was planned anew each time (ten times its running).
    with prepared_statements(), connection.cursor() as cursor:
        cursor.execute(NEXT_DUE_SQL, [target, lane])
        next_due = cursor.fetchone()[0]
    if next_due is None:
        return
    wait = (next_due - timezone.now()).total_seconds()
    kick_drain(target, lane, countdown=wait if wait > 0 else None)


def _log_batch(report: DrainReport, result: batches.BatchResult, claimed: int) -> None:
    logger.info(
        "federation: batch delivered",
        extra={
            "target": report.target,
            "lane": report.lane,
            "claimed": claimed,
            "careful": result.careful,
            **{f"n_{name}": n for name, n in result.counts.items()},
        },
    )
