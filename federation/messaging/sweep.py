"""The periodic safety net: deliver what no kick delivered, take over what a dead worker left."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from federation.messaging import conf
from federation.messaging.delivery import deliver_in_order
from federation.messaging.handlers import DEFAULT_DELIVERY_TASK, delivery_task_for
from federation.messaging.kicks import kick, schedule_retries
from federation.messaging.models import DeliveredVia, Message, MessageState


@dataclass
class SweepReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def sweep(*, batch: int | None = None, budget_seconds: float | None = None) -> SweepReport:
    """Deliver due messages oldest first, within a batch size and a time budget."""
    started = time.monotonic()
    batch = batch or int(conf.get("FEDERATION_SWEEP_BATCH"))
    budget = (
        budget_seconds if budget_seconds is not None else float(conf.get("FEDERATION_SWEEP_BUDGET_SECONDS"))
    )
    now = timezone.now()
    grace = timedelta(seconds=float(conf.get("FEDERATION_SWEEP_GRACE_SECONDS")))
    # `delivering` rows: a live deliverer holds their lock (deliver() answers busy); others are
    # orphans of a dead process, taken over at once whatever their age.
    orphans = list(
        Message.objects.filter(state=MessageState.DELIVERING)
        .order_by("last_attempt_at")
        .values_list("id", "kind")[:batch]
    )
    due = list(
        Message.objects.filter(
            state__in=(MessageState.PENDING, MessageState.RETRYING), next_attempt_at__lte=now - grace
        )
        .order_by("next_attempt_at")
        .values_list("id", "kind")[:batch]
    )
    counts: Counter[str] = Counter()
    for message_id, kind in orphans + due:
        if delivery_task_for(kind) != DEFAULT_DELIVERY_TASK:
            # Its own workers deliver it (a call outside iKOMEK may be slow): the sweep only asks them.
            kick(message_id, DeliveredVia.SWEEP, kind=kind)
            counts["handed_over"] += 1
            continue
        if time.monotonic() - started > budget:
            counts["left_for_next_sweep"] += 1
            continue
        reports = deliver_in_order(message_id, via=DeliveredVia.SWEEP)
        schedule_retries(reports)
        counts.update(str(report.result) for report in reports)
    return SweepReport(counts=dict(counts), seconds=time.monotonic() - started)


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
