"""The periodic sweep (in this process): what no kick delivered, orphans of dead workers, retention."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from federation.messaging.delivery import Result, deliver
from federation.messaging.inbox.models import Receipt
from federation.messaging.inbox.prune import prune_receipts
from federation.messaging.models import EventKind, Message, MessageState
from federation.messaging.probe import KIND as PROBE
from federation.messaging.sweep import prune_delivered, sweep
from tests.federation.conftest import message, probes, send_committed, token


def test_the_sweep_delivers_what_no_kick_did_and_leaves_fresh_messages_to_their_kick(committed, settings):
    settings.FEDERATION_SWEEP_GRACE_SECONDS = 5
    old, fresh = token(), token()
    old_id = send_committed(committed["esil"], PROBE, {"token": old}, target="public")
    fresh_id = send_committed(committed["esil"], PROBE, {"token": fresh}, target="public")
    # Nobody ran the kicks (no worker here); the first message has waited longer than the grace.
    Message.objects.filter(pk=old_id).update(next_attempt_at=timezone.now() - timedelta(seconds=30))
    report = sweep()
    assert report.counts.get(str(Result.DELIVERED), 0) >= 1
    assert message(old_id).delivered_via == "sweep" and len(probes("public", old)) == 1
    assert message(fresh_id).state == MessageState.PENDING and probes("public", fresh) == []


def test_a_delivering_message_whose_deliverer_is_gone_is_taken_over(committed, settings):
    """The row says `delivering` but no live process holds its lock (as after a SIGKILL)."""
    settings.FEDERATION_RETRY_BASE_SECONDS = 0.1
    marker = token()
    message_id = send_committed(committed["kyzylzhar"], PROBE, {"token": marker}, target="esil")
    Message.objects.filter(pk=message_id).update(
        state=MessageState.DELIVERING, attempts=1, last_attempt_at=timezone.now()
    )
    report = sweep()
    assert report.counts.get(str(Result.RETRY_SCHEDULED), 0) >= 1
    row = message(message_id)
    assert (row.state, row.attempts) == (MessageState.RETRYING, 1)
    assert row.events.get().event == EventKind.WORKER_LOST
    Message.objects.filter(pk=message_id).update(next_attempt_at=timezone.now())
    assert deliver(message_id).result == Result.DELIVERED
    assert message(message_id).attempts == 2 and len(probes("esil", marker)) == 1


def test_delivered_messages_past_retention_are_pruned_dead_ones_kept(committed):
    old_delivered = send_committed(committed["esil"], PROBE, {"token": token()}, target="public")
    recent_delivered = send_committed(committed["esil"], PROBE, {"token": token()}, target="public")
    old_dead = send_committed(committed["esil"], PROBE, {"token": token()}, target="public")
    long_ago = timezone.now() - timedelta(days=30)
    Message.objects.filter(pk=old_delivered).update(state=MessageState.DELIVERED, delivered_at=long_ago)
    Message.objects.filter(pk=recent_delivered).update(
        state=MessageState.DELIVERED, delivered_at=timezone.now()
    )
    Message.objects.filter(pk=old_dead).update(state=MessageState.DEAD, dead_at=long_ago)
    assert prune_delivered(older_than_days=14) >= 1
    remaining = set(
        Message.objects.filter(pk__in=[old_delivered, recent_delivered, old_dead]).values_list(
            "pk", flat=True
        )
    )
    assert remaining == {recent_delivered, old_dead}


def test_receipts_go_only_when_old_and_their_message_is_gone_from_the_outbox(committed):
    # Three messages to Esil, delivered; then their receipts are made old.
    gone, kept_in_outbox, recent = (
        send_committed(committed["kyzylzhar"], PROBE, {"token": token()}, target="esil") for _ in range(3)
    )
    for message_id in (gone, kept_in_outbox, recent):
        assert deliver(message_id).result == Result.DELIVERED
    long_ago = timezone.now() - timedelta(days=40)
    with schema_context("esil"):
        Receipt.objects.filter(message_id__in=[gone, kept_in_outbox]).update(received_at=long_ago)
    Message.objects.filter(pk=gone).delete()  # pruned by the relay: no copy can come any more
    Message.objects.filter(pk=recent).delete()
    with schema_context("kyzylzhar"):
        assert prune_receipts(older_than_days=30) == 0  # another akimat's receipts are its own
    with schema_context("esil"):
        assert prune_receipts(older_than_days=30) == 1
        left = set(
            Receipt.objects.filter(message_id__in=[gone, kept_in_outbox, recent]).values_list(
                "message_id", flat=True
            )
        )
    # Still in the outbox (it could be replayed): kept; too young: kept.
    assert left == {kept_in_outbox, recent}
