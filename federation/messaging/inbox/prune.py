"""Receipts are kept while a duplicate of their message can still arrive, and no longer.

A duplicate is a copy of a message the outbox still holds (a retry, a sweep, a replay of a dead
letter); once the relay has pruned a delivered message (FEDERATION_RETENTION_DAYS) nothing can send
it again. So a receipt goes when it is older than FEDERATION_RECEIPT_RETENTION_DAYS *and* its
message is gone from the outbox: the second condition is the guarantee, the first a margin.
Ordering cursors stay: each pairs with the sender's sequence counter, and dropping one without
the other would make new messages of the key look stale.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from federation.messaging import conf
from federation.messaging.inbox.models import Receipt
from federation.messaging.models import Message


def prune_receipts(*, older_than_days: int | None = None, chunk: int = 5000) -> int:
    """Delete this schema's receipts that no delivery can need any more; returns how many."""
    days = (
        older_than_days if older_than_days is not None else int(conf.get("FEDERATION_RECEIPT_RETENTION_DAYS"))
    )
    cutoff = timezone.now() - timedelta(days=days)
    in_outbox = Message.objects.filter(pk=OuterRef("message_id"))
    deleted = 0
    while True:
        ids = list(
            Receipt.objects.filter(received_at__lt=cutoff)
            .exclude(Exists(in_outbox))
            .values_list("message_id", flat=True)[:chunk]
        )
        if not ids:
            return deleted
        deleted += Receipt.objects.filter(message_id__in=ids).delete()[0]
