"""The periodic safety net: deliver what no kick delivered, take over what a dead worker left.

It never re-kicks what already has a kick: the targets it finds due it drains itself (a drain busy
elsewhere answers `busy` at once and goes on by itself), and a message delivered by its kind's own
task is kicked through that message's mark, a no-op while its task is queued.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from federation.messaging import conf
from federation.messaging.delivery import deliver_in_order
from federation.messaging.drains import drain
from federation.messaging.kicks import kick, kick_drain, schedule_retries
from federation.messaging.models import DeliveredVia, Lane, Message, MessageState


@dataclass
class SweepReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# Targets and lanes with work older than the grace, or with rows a drain marked `delivering` (its
# lock says whether that drain lives).
GROUPS_SQL = """
SELECT target_schema, lane FROM public.federation_message
 WHERE (state IN ('pending', 'retrying') AND next_attempt_at <= %s)
    OR (state = 'delivering' AND claimed_by LIKE 'drain:%%')
 GROUP BY target_schema, lane ORDER BY min(next_attempt_at)
"""


def sweep(*, batch: int | None = None, budget_seconds: float | None = None) -> SweepReport:
    """Drain the targets with due messages (oldest first) and take over single deliveries' orphans,
    within a time budget; what the budget leaves is kicked."""
    started = time.monotonic()
    batch = batch or int(conf.get("FEDERATION_SWEEP_BATCH"))
    budget = (
        budget_seconds if budget_seconds is not None else float(conf.get("FEDERATION_SWEEP_BUDGET_SECONDS"))
    )
    grace_seconds = float(conf.get("FEDERATION_SWEEP_GRACE_SECONDS"))
    due = timezone.now() - timedelta(seconds=grace_seconds)
    counts: Counter[str] = Counter()
    connection.set_schema_to_public()
    # `delivering` rows of single deliveries: a live deliverer holds their lock (deliver() answers
    # busy); the others are orphans of a dead process, taken over at once whatever their age.
    singles = list(
        Message.objects.filter(state=MessageState.DELIVERING)
        .exclude(claimed_by__startswith="drain:")
        .order_by("last_attempt_at")
        .values_list("id", "kind", "target_schema", "lane")[:batch]
    )
    for message_id, kind, target, lane in singles:
        if lane == Lane.OWN:
            # Its own workers deliver it (a call outside iKOMEK may be slow): the sweep only asks them.
            kick(message_id, DeliveredVia.SWEEP, kind=kind, target=target, lane=lane)
            counts["handed_over"] += 1
            continue
        reports = deliver_in_order(message_id, via=DeliveredVia.SWEEP)
        schedule_retries(reports)
        counts.update(str(report.result) for report in reports)
    with connection.cursor() as cursor:
        cursor.execute(GROUPS_SQL, [due])
        groups = cursor.fetchall()
    for target, lane in groups:
        if lane == Lane.OWN:
            counts["handed_over"] += _hand_over(target, due, batch)
        elif time.monotonic() - started > budget:
            kick_drain(target, lane, via=DeliveredVia.SWEEP)
            counts["left_for_next_sweep"] += 1
        else:
            remaining = budget - (time.monotonic() - started)
            report = drain(
                target, lane, via=DeliveredVia.SWEEP, grace_seconds=grace_seconds, budget_seconds=remaining
            )
            counts.update(report.counts)
    return SweepReport(counts=dict(counts), seconds=time.monotonic() - started)


def _hand_over(target: str, due: object, batch: int) -> int:
    """Kick each due message of a kind with its own task (a no-op for one whose task is queued)."""
    rows = list(
        Message.objects.filter(
            target_schema=target,
            lane=Lane.OWN,
            state__in=(MessageState.PENDING, MessageState.RETRYING),
            next_attempt_at__lte=due,
        )
        .order_by("next_attempt_at")
        .values_list("id", "kind")[:batch]
    )
    for message_id, kind in rows:
        kick(message_id, DeliveredVia.SWEEP, kind=kind, target=target, lane=Lane.OWN)
    return len(rows)


def prune_delivered(*, older_than_days: int | None = None, chunk: int = 5000) -> int:
    """Delete delivered messages past retention (their payloads may hold personal data)."""
    days = older_than_days if older_than_days is not None else int(conf.get("FEDERATION_RETENTION_DAYS"))
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            Message.objects.filter(state=MessageState.DELIVERED, delivered_at__lt=cutoff).values_list(
                "id", flat=True
            )[:chunk]
        )
        if not ids:
            return deleted
        deleted += Message.objects.filter(id__in=ids).delete()[1].get("federation.Message", 0)
