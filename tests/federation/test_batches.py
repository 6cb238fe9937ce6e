"""Drains and batches, in this process: claimed together with SKIP LOCKED, applied in one transaction
with their receipts, each message keeping its own outcome; superseding, lanes, orphans, query counts.

These tests commit for real (on-commit kicks run, other connections see the rows).
"""

from __future__ import annotations

import threading
import uuid
from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.messaging import batches
from federation.messaging.delivery import Result, deliver, deliverer_lock
from federation.messaging.drains import drain, drain_key
from federation.messaging.inbox.models import OrderingCursor, ProbeRecord
from federation.messaging.models import DeliveredVia, EventKind, Message, MessageState, Outcome
from federation.messaging.outbox import send
from federation.messaging.probe import KIND as PROBE
from testkit.concurrency import run_at_once
from testkit.processes import wait_until
from testkit.queries import exact_queries
from tests.federation.conftest import message, probes, receipts, send_committed, token
from tests.federation.kinds import ESCAPE, FLAKY, REQUIRES, STATE, STATE_FLAKY, URGENT

DIRECT = DeliveredVia.DIRECT


@pytest.fixture(autouse=True)
def empty_outbox(committed, settings):
    """Each test drains only its own messages; retries come back within a second."""
    settings.FEDERATION_RETRY_BASE_SECONDS = 0.2
    settings.FEDERATION_RETRY_MAX_SECONDS = 0.4
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE public.federation_messageevent, public.federation_message")
    yield


def send_together(sender: str, target: str, *messages: tuple[str, dict, str | None]) -> list[uuid.UUID]:
    """(kind, payload, ordering key) messages from `sender` to `target`, in one transaction, each
    sent by a change of its own (a block of its own: states of one key in one block would be one
    message, test_send.py)."""
    with schema_context(sender), transaction.atomic():
        ids = []
        for kind, payload, key in messages:
            with transaction.atomic():
                ids.append(send(kind, payload, target=target, ordering_key=key))
        return ids


def probe(marker: str, key: str | None = None, **payload: object) -> tuple[str, dict, str | None]:
    return (PROBE, {"token": marker, **payload}, key)


def wait_until_due(*message_ids: uuid.UUID) -> None:
    due = max(message(m).next_attempt_at for m in message_ids)
    assert wait_until(lambda: timezone.now() > due, timeout=10, interval=0.02)


def test_a_batch_applies_each_message_once_with_its_receipt(committed):
    markers = [token() for _ in range(5)]
    ids = send_together("kyzylzhar", "esil", *[probe(m) for m in markers])
    report = drain("esil", "default", via=DIRECT)
    assert (report.batches, dict(report.counts)) == (1, {"delivered": 5})
    for message_id, marker in zip(ids, markers, strict=True):
        row = message(message_id)
        assert (row.state, row.outcome, row.attempts, row.delivered_via) == (
            "delivered",
            "applied",
            1,
            "direct",
        )
        assert row.claimed_by == "drain:default:esil" and row.handler_ms is not None
        (record,) = probes("esil", marker)
        assert (record.schema_seen, record.source_schema, record.attempt) == ("esil", "kyzylzhar", 1)
        assert [r.outcome for r in receipts("esil", message_id)] == ["applied"]
        assert probes("kyzylzhar", marker) == probes("public", marker) == []
    assert connection.schema_name == "public"
    # Nothing is left to claim: a second drain changes nothing.
    again = drain("esil", "default", via=DIRECT)
    assert (again.batches, dict(again.counts)) == (0, {})
    assert all(len(probes("esil", m)) == 1 for m in markers)


# Per drain of one batch: lock; what a dead drain left and the messages to deliver alone (one query);
# to the target schema; the claim (its own transaction: BEGIN, no waiting for the disk, the claim,
# COMMIT); in a transaction: the receipts, the acknowledgements; a batch under the limit ends the
# loop without claiming again; unlock; back to public; what is left (nothing). Only the handlers'
# own statements (one insert per probe) grow with the batch.
BATCH_QUERIES = 13


def test_a_batch_costs_the_same_queries_whatever_its_size_besides_its_handlers(committed):
    send_together("esil", "public", probe(token()))
    drain("public", "default", via=DIRECT)  # the registry of akimats is cached from here on
    for size in (5, 60):
        markers = [token() for _ in range(size)]
        send_together("esil", "public", *[probe(m) for m in markers])
        with exact_queries(BATCH_QUERIES + size) as captured:
            report = drain("public", "default", via=DIRECT)
        assert (report.batches, report.counts["delivered"]) == (1, size)
        handlers = [q for q in captured.captured_queries if "federation_inbox_proberecord" in q["sql"]]
        assert len(handlers) == size
        assert all(len(probes("public", m)) == 1 for m in markers)


def test_keyed_messages_cost_three_more_queries_per_batch_for_their_cursors(committed):
    send_together("esil", "public", probe(token(), key="appeal:warm"))
    drain("public", "default", via=DIRECT)
    for size in (4, 40):
        keys = [f"appeal:{token()[:10]}" for _ in range(size)]
        send_together("esil", "public", *[probe(token(), key=k) for k in keys])
        # + the cursors (a row for each key, read and locked, moved) and the keys' next messages elsewhere
        with exact_queries(BATCH_QUERIES + 4 + size):
            report = drain("public", "default", via=DIRECT)
        assert report.counts["delivered"] == size
        with schema_context("public"):
            assert OrderingCursor.objects.filter(source_schema="esil", ordering_key__in=keys).count() == size


def test_a_failing_message_in_a_batch_fails_alone(committed):
    good = [token() for _ in range(3)]
    needed = token()
    ids = send_together(
        "esil",
        "public",
        probe(good[0]),
        (FLAKY, {"token": token(), "succeed_on_attempt": 2}, None),
        probe(good[1]),
        (REQUIRES, {"token": token(), "requires": needed}, None),
        (ESCAPE, {"token": token()}, None),
        probe(good[2]),
    )
    flaky, requires, escape = ids[1], ids[3], ids[4]
    report = drain("public", "default", via=DIRECT)
    assert report.careful_batches == 1  # the batch as a whole failed, then went message by message
    assert dict(report.counts) == {"delivered": 3, "retry_scheduled": 1, "dead": 2}
    for marker in good:
        assert len(probes("public", marker)) == 1
    for message_id in (flaky, requires, escape):
        assert receipts("public", message_id) == []
        with schema_context("public"):
            assert not ProbeRecord.objects.filter(message_id=message_id).exists()
    row = message(flaky)
    assert (row.state, row.attempts) == (MessageState.RETRYING, 1)
    assert [e.event for e in row.events.all()] == [EventKind.RETRY_SCHEDULED]
    assert "unknown reference" in message(requires).last_error and message(requires).state == "dead"
    assert "IsolationError" in message(escape).last_error and message(escape).state == "dead"
    for schema in ("esil", "kyzylzhar"):  # the escaping handler's write went nowhere
        with schema_context(schema):
            assert not ProbeRecord.objects.filter(message_id=escape).exists()
    wait_until_due(flaky)
    assert drain("public", "default", via=DIRECT).counts == {"delivered": 1}
    assert (message(flaky).state, message(flaky).attempts) == (MessageState.DELIVERED, 2)


def make_due(*message_ids: uuid.UUID) -> None:
    """Their retry due now, whatever the backoff said (a test that waits for the clock fails when a
    loaded machine takes longer than the backoff between two steps)."""
    with schema_context("public"):
        past = timezone.now() - timedelta(seconds=1)
        Message.objects.filter(pk__in=message_ids).update(next_attempt_at=past)


def test_in_a_batch_a_key_keeps_its_order_and_waits_for_its_failed_message(committed, settings):
    settings.FEDERATION_RETRY_BASE_SECONDS = 600  # the retry stays ahead however slow the steps
    key = f"appeal:{token()[:12]}"
    first, later, other = token(), [token(), token()], token()
    ids = send_together(
        "kyzylzhar",
        "public",
        probe(first, key=key),
        (FLAKY, {"token": token(), "succeed_on_attempt": 2}, key),
        probe(later[0], key=key),
        probe(later[1], key=key),
        probe(other),
    )
    report = drain("public", "default", via=DIRECT)
    assert dict(report.counts) == {"delivered": 2, "retry_scheduled": 1, "released": 2}
    # The two behind the failed one went back to the queue untried (their attempt not counted).
    for message_id, marker in zip(ids[2:4], later, strict=True):
        assert (message(message_id).state, message(message_id).attempts) == (MessageState.PENDING, 0)
        assert probes("public", marker) == []
    assert drain("public", "default", via=DIRECT).counts == {}  # they wait for the retry
    make_due(ids[1])
    assert drain("public", "default", via=DIRECT).counts == {"delivered": 3}
    with schema_context("public"):
        applied = list(ProbeRecord.objects.filter(ordering_key=key).order_by("id"))
    assert [r.sequence for r in applied] == [1, 2, 3, 4]
    assert [message(m).attempts for m in ids[:4]] == [1, 2, 1, 1]


def test_the_newest_state_of_a_key_supersedes_the_older_ones_waiting(committed):
    key, other_key, keyed_probes = (f"appeal:{token()[:12]}" for _ in range(3))
    states = [token() for _ in range(3)]
    ids = send_together(
        "esil",
        "public",
        *[(STATE, {"token": m}, key) for m in states],
        (STATE, {"token": token()}, other_key),
        probe(token(), key=keyed_probes),
        probe(token(), key=keyed_probes),
    )
    report = drain("public", "default", via=DIRECT)
    assert dict(report.counts) == {"delivered": 4, "superseded": 2}
    newest = ids[2]
    for older in ids[:2]:
        row = message(older)
        # Kept, closed and traceable: delivered as superseded, by which message.
        assert (row.state, row.outcome, row.superseded_by) == ("delivered", "superseded", newest)
        assert receipts("public", older) == []
    assert [probes("public", m) for m in states[:2]] == [[], []]
    assert len(probes("public", states[2])) == 1 and message(newest).outcome == "applied"
    with schema_context("public"):
        assert OrderingCursor.objects.get(source_schema="esil", ordering_key=key).last_sequence == 3
        # A kind that is not newest_only keeps every message of its key.
        assert ProbeRecord.objects.filter(ordering_key=keyed_probes).count() == 2


def test_the_older_states_are_applied_when_the_newest_fails(committed):
    key = f"appeal:{token()[:12]}"
    markers = [token() for _ in range(3)]
    ids = send_together(
        "esil",
        "public",
        (STATE_FLAKY, {"token": markers[0], "succeed_on_attempt": 1}, key),
        (STATE_FLAKY, {"token": markers[1], "succeed_on_attempt": 1}, key),
        (STATE_FLAKY, {"token": markers[2], "succeed_on_attempt": 2}, key),
    )
    # The newest failed: the two before it went back to the queue, and the drain's next batch delivered
    # them after all, the second superseding the first.
    assert dict(drain("public", "default", via=DIRECT).counts) == {
        "retry_scheduled": 1,
        "released": 2,
        "delivered": 1,
        "superseded": 1,
    }
    assert message(ids[0]).superseded_by == ids[1] and len(probes("public", markers[1])) == 1
    wait_until_due(ids[2])
    assert drain("public", "default", via=DIRECT).counts == {"delivered": 1}
    with schema_context("public"):
        assert [r.sequence for r in ProbeRecord.objects.filter(ordering_key=key).order_by("id")] == [2, 3]


def test_a_newest_state_refused_for_its_payload_leaves_its_key_to_the_older_ones(committed):
    key = f"appeal:{token()[:12]}"
    markers = [token() for _ in range(3)]
    ids = send_together("esil", "public", *[(STATE, {"token": m}, key) for m in markers])
    # The newest can never be applied (as after a deploy that changed the kind's schema).
    Message.objects.filter(pk=ids[2]).update(payload={"no_token": True})
    assert dict(drain("public", "default", via=DIRECT).counts) == {"dead": 1, "delivered": 1, "superseded": 1}
    assert "payload" in message(ids[2]).last_error and message(ids[2]).state == "dead"
    assert (message(ids[0]).outcome, message(ids[0]).superseded_by) == ("superseded", ids[1])
    assert len(probes("public", markers[1])) == 1 and probes("public", markers[0]) == []


def test_a_batch_takes_duplicates_and_stale_messages_for_what_they_are(committed):
    from federation.messaging.deadletters import operator_principal, replay

    key = f"appeal:{token()[:12]}"
    duplicate = send_committed("kyzylzhar", PROBE, {"token": token()}, target="esil")
    assert deliver(duplicate).result == Result.DELIVERED
    # Its acknowledgement was lost (e.g. an outbox restored from an older backup).
    Message.objects.filter(pk=duplicate).update(state=MessageState.PENDING, outcome="", delivered_at=None)
    older = send_committed(
        "kyzylzhar", REQUIRES, {"token": token(), "requires": token()}, target="esil", ordering_key=key
    )
    assert deliver(older).result == Result.DEAD
    assert (
        deliver(
            send_committed("kyzylzhar", PROBE, {"token": token()}, target="esil", ordering_key=key)
        ).result
        == Result.DELIVERED
    )
    replay([older], actor=operator_principal())  # older than what the receiver applied since
    fresh = token()
    send_committed("kyzylzhar", PROBE, {"token": fresh}, target="esil")
    assert drain("esil", "default", via=DIRECT).counts == {"delivered": 3}
    assert message(duplicate).outcome == Outcome.DUPLICATE
    assert (message(older).outcome, message(older).delivered_via) == (Outcome.STALE, "direct")
    assert [r.outcome for r in receipts("esil", older)] == ["stale"]
    assert len(probes("esil", fresh)) == 1


def test_concurrent_claims_take_disjoint_messages(committed):
    send_together("esil", "petropavlovsk", *[probe(token()) for _ in range(40)])

    def claim(claimer: str) -> set[uuid.UUID]:
        return {m.id for m in batches.claim("petropavlovsk", "default", claimer, limit=25)}

    first, second = run_at_once(lambda: claim("test:a"), lambda: claim("test:b"))
    # Each skipped the rows the other held at that moment: disjoint, and together all of them.
    assert not first & second and len(first | second) == 40
    assert len(first) <= 25 and len(second) <= 25


def test_one_drain_per_target_and_lane_at_a_time(committed):
    marker = token()
    send_together("kyzylzhar", "esil", probe(marker))
    holding, done = threading.Event(), threading.Event()

    def another_drain() -> None:
        try:
            with deliverer_lock(drain_key("default", "esil")) as locked:
                assert locked
                holding.set()
                done.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=another_drain)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        assert drain("esil", "default", via=DIRECT).counts == {"busy": 1}
        assert probes("esil", marker) == []
    finally:
        done.set()
        thread.join(timeout=30)
    assert drain("esil", "default", via=DIRECT).counts == {"delivered": 1}


def test_a_dead_drains_batch_is_taken_over_and_each_message_then_goes_alone(committed):
    markers = [token() for _ in range(3)]
    ids = send_together("petropavlovsk", "kyzylzhar", *[probe(m) for m in markers])
    key = drain_key("default", "kyzylzhar")
    # A drain claimed them and died before applying them (its lock went with its session).
    assert len(batches.claim("kyzylzhar", "default", key, limit=10)) == 3
    report = drain("kyzylzhar", "default", via=DIRECT)
    assert dict(report.counts) == {"retry_scheduled": 3}
    for message_id in ids:
        row = message(message_id)
        assert (row.state, row.attempts, row.solo) == (MessageState.RETRYING, 1, True)
        assert row.events.get().event == EventKind.WORKER_LOST
    wait_until_due(*ids)
    assert drain("kyzylzhar", "default", via=DIRECT).counts == {"delivered": 3}
    for message_id, marker in zip(ids, markers, strict=True):
        row = message(message_id)
        # Each went alone, through the single path (its own claim and lock).
        assert (row.state, row.attempts, row.claimed_by) == (MessageState.DELIVERED, 2, str(message_id))
        assert len(probes("kyzylzhar", marker)) == 1


def test_urgent_kinds_have_a_lane_of_their_own(committed):
    urgent, ordinary = token(), token()
    urgent_id, ordinary_id = send_together(
        "esil", "public", (URGENT, {"token": urgent}, None), probe(ordinary)
    )
    assert (message(urgent_id).lane, message(ordinary_id).lane) == ("urgent", "default")
    assert drain("public", "default", via=DIRECT).counts == {"delivered": 1}
    assert message(urgent_id).state == MessageState.PENDING
    assert drain("public", "urgent", via=DIRECT).counts == {"delivered": 1}
    assert len(probes("public", urgent)) == 1 and len(probes("public", ordinary)) == 1


def test_the_sweep_leaves_young_messages_to_their_kick_and_drains_the_rest(committed, settings):
    settings.FEDERATION_SWEEP_GRACE_SECONDS = 5
    from federation.messaging.sweep import sweep

    old, young = token(), token()
    old_id, young_id = (
        send_together("esil", "kyzylzhar", probe(old)),
        send_together("esil", "kyzylzhar", probe(young)),
    )
    Message.objects.filter(pk__in=old_id).update(next_attempt_at=timezone.now() - timedelta(seconds=30))
    report = sweep()
    assert report.counts.get("delivered") == 1
    assert (message(old_id[0]).state, message(old_id[0]).delivered_via) == ("delivered", "sweep")
    assert message(young_id[0]).state == MessageState.PENDING and probes("kyzylzhar", young) == []


def appeal_state(number: int, version: int, status: str = "received") -> dict:
    """An appeal's state as `appeals.status` carries it (read_model_feed.state_of)."""
    received = timezone.now().replace(microsecond=0)
    return {
        "number": number,
        "version": version,
        "status": status,
        "priority": "normal",
        "channel": "landline",
        # The catalogue's own labels: the region keeps the last ones it was sent.
        "category": {
            "code": "heating",
            "parent": "housing",
            "name_kk": "Жылумен жабдықтау",
            "name_ru": "Отопление",
        },
        "received_at": received.isoformat(),
        "resolved_at": None,
        "closed_at": None,
        "deadline": (received + timedelta(days=3)).isoformat(),
        "overdue_at": None,
        "escalated_at": None,
        "is_repeat": False,
        "repeat_count": 0,
        "reopen_count": 0,
        "transferred_to": None,
        "transferred_from": None,
        "origin_number": None,
        "regional_escalation": None,
    }


# The read model's one pass for the whole batch: locks per appeal, the old rows, the facts, the two
# tallies; then the relay's cursors (three) and the keys' next messages elsewhere (one).
STATUS_BATCH_QUERIES = BATCH_QUERIES + 5 + 4


def test_appeal_states_are_applied_in_one_pass_of_the_read_model_per_batch(committed):
    from federation.read_model_feed import STATUS_KIND
    from regional.models import AppealFact

    first = 9_100_000 + uuid.uuid4().int % 100_000 * 100
    numbers: list[int] = []
    try:
        for size in (1, 3, 40):  # the first fills the caches (registry, category labels)
            batch = list(range(first + len(numbers), first + len(numbers) + size))
            numbers += batch
            messages = [(STATUS_KIND, appeal_state(n, 1), f"appeal:{n}") for n in batch]
            # Two states of one appeal: the newer supersedes the older, in the same pass.
            messages.append((STATUS_KIND, appeal_state(batch[0], 2, "registered"), f"appeal:{batch[0]}"))
            send_together("esil", "public", *messages)
            with exact_queries(STATUS_BATCH_QUERIES) if size > 1 else nullcontext():
                report = drain("public", "default", via=DIRECT)
            assert dict(report.counts) == {"delivered": size, "superseded": 1}
            facts = dict(
                AppealFact.objects.filter(schema="esil", number__in=batch).values_list("number", "status")
            )
            assert facts == {n: "registered" if n == batch[0] else "received" for n in batch}
    finally:
        AppealFact.objects.filter(schema="esil", number__in=numbers).delete()
