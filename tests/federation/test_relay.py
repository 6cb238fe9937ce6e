"""Delivering one message, in this process: claim, apply with its receipt, acknowledge, retry, dead."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.messaging.backoff import retry_delay
from federation.messaging.delivery import Result, deliver, deliver_in_order
from federation.messaging.inbox.models import Receipt
from federation.messaging.models import EventKind, Message, MessageState, Outcome
from federation.messaging.probe import KIND as PROBE
from testkit.concurrency import run_at_once
from testkit.processes import wait_until
from testkit.queries import exact_queries
from tests.federation.conftest import message, probes, receipts, send_committed, token
from tests.federation.kinds import FLAKY, OUTSIDE, REQUIRES, SLOW, outside_calls


@pytest.fixture
def quick_retries(settings):
    settings.FEDERATION_RETRY_BASE_SECONDS = 0.2
    settings.FEDERATION_RETRY_MAX_SECONDS = 1.0


def wait_until_due(message_id: uuid.UUID) -> None:
    """Until the clock passes the message's next attempt (its backoff, a fraction of a second here)."""
    due = message(message_id).next_attempt_at
    assert wait_until(lambda: timezone.now() > due, timeout=10, interval=0.02), f"never due: {due}"


def test_a_delivered_message_is_applied_in_its_target_and_acknowledged(committed):
    marker = token()
    message_id = send_committed(committed["kyzylzhar"], PROBE, {"token": marker}, target="esil")
    report = deliver(message_id)
    assert (report.result, report.outcome) == (Result.DELIVERED, Outcome.APPLIED)
    row = message(message_id)
    assert row.state == MessageState.DELIVERED and row.outcome == Outcome.APPLIED
    assert row.attempts == 1 and row.delivered_via == "direct"
    assert row.delivered_at >= row.created_at and row.handler_ms is not None and row.latency_ms >= 0
    (record,) = probes("esil", marker)
    assert (record.source_schema, record.schema_seen, record.attempt) == ("kyzylzhar", "esil", 1)
    assert [r.outcome for r in receipts("esil", message_id)] == ["applied"]
    for elsewhere in ("kyzylzhar", "petropavlovsk", "public"):
        assert probes(elsewhere, marker) == [] and receipts(elsewhere, message_id) == []
    assert connection.schema_name == "public"  # the relay's connection is back in public


# public; lock, claim; in a transaction: to the target, the receipt, the handler's row, back to public,
# the acknowledgement; unlock (BEGIN and COMMIT are counted: the delivery opens its own transaction)
DELIVERY_QUERIES = 11
DONE_ALREADY_QUERIES = 7  # public; lock; the claim; BEGIN, the row locked, COMMIT; unlock


def test_a_delivery_costs_a_fixed_number_of_queries(committed):
    warm = send_committed(committed["kyzylzhar"], PROBE, {"token": token()}, target="esil")
    assert deliver(warm).result == Result.DELIVERED  # the registry of akimats is cached from here on
    marker = token()
    message_id = send_committed(committed["kyzylzhar"], PROBE, {"token": marker}, target="esil")
    with exact_queries(DELIVERY_QUERIES):
        report = deliver(message_id)
    assert (report.result, report.outcome) == (Result.DELIVERED, Outcome.APPLIED)
    assert len(probes("esil", marker)) == 1
    with exact_queries(DONE_ALREADY_QUERIES):
        assert deliver(message_id).result == Result.DONE_ALREADY


def test_a_second_delivery_changes_nothing_even_if_the_acknowledgement_was_lost(committed):
    marker = token()
    message_id = send_committed(committed["esil"], PROBE, {"token": marker}, target="public")
    assert deliver(message_id).result == Result.DELIVERED
    assert deliver(message_id).result == Result.DONE_ALREADY
    # The outbox forgets the acknowledgement (e.g. restored from an older backup than the receiver).
    Message.objects.filter(pk=message_id).update(state=MessageState.PENDING, delivered_at=None, outcome="")
    report = deliver(message_id)
    assert (report.result, report.outcome) == (Result.DELIVERED, Outcome.DUPLICATE)
    assert len(probes("public", marker)) == 1
    assert message(message_id).attempts == 2


def test_concurrent_deliveries_of_one_message_apply_it_once(committed, tmp_path):
    marker = token()
    payload = {"token": marker, "seconds": 1.0, "marker": str(tmp_path / "stalled")}
    message_id = send_committed(committed["esil"], SLOW, payload, target="kyzylzhar")
    results = [report.result for report in run_at_once(*[lambda: deliver(message_id)] * 3)]
    assert results.count(Result.DELIVERED) == 1
    # The others found it being delivered (its handler runs for a second) or already done.
    assert set(results) <= {Result.DELIVERED, Result.BUSY, Result.DONE_ALREADY}
    assert len(probes("kyzylzhar", marker)) == 1
    assert message(message_id).attempts == 1


def test_a_transient_failure_is_retried_with_backoff_then_applied(committed, quick_retries, settings):
    marker = token()
    message_id = send_committed(
        committed["esil"], FLAKY, {"token": marker, "succeed_on_attempt": 2}, target="public"
    )
    before = timezone.now()
    report = deliver(message_id)
    after = timezone.now()
    # The first retry waits half the base step plus up to another half (jitter); the settings say how long.
    step = settings.FEDERATION_RETRY_BASE_SECONDS
    assert report.result == Result.RETRY_SCHEDULED and step / 2 <= report.retry_in <= step
    row = message(message_id)
    assert row.state == MessageState.RETRYING and row.attempts == 1
    assert "ConnectionError: receiver unavailable on attempt 1" in row.last_error
    backoff = timedelta(seconds=report.retry_in)
    assert before + backoff <= row.next_attempt_at <= after + backoff
    assert deliver(message_id).result == Result.NOT_DUE  # an early kick waits for the backoff
    assert probes("public", marker) == []
    wait_until_due(message_id)
    assert deliver(message_id).result == Result.DELIVERED
    row = message(message_id)
    assert (row.state, row.attempts) == (MessageState.DELIVERED, 2)
    assert [(e.event, e.attempt) for e in row.events.all()] == [(EventKind.RETRY_SCHEDULED, 1)]
    (record,) = probes("public", marker)
    assert record.attempt == 2


def test_attempts_used_up_send_the_message_to_the_dead_letters(committed, quick_retries):
    message_id = send_committed(
        committed["esil"],
        FLAKY,
        {"token": token(), "succeed_on_attempt": 99},
        target="public",
        max_attempts=2,
    )
    assert deliver(message_id).result == Result.RETRY_SCHEDULED
    wait_until_due(message_id)
    report = deliver(message_id)
    assert report.result == Result.DEAD
    row = message(message_id)
    assert row.state == MessageState.DEAD and row.dead_at is not None and row.attempts == 2
    events = [(e.event, e.attempt) for e in row.events.all()]
    assert events == [(EventKind.RETRY_SCHEDULED, 1), (EventKind.DEAD, 2)]
    assert "2 attempts used up" in row.events.get(event=EventKind.DEAD).error


def test_a_permanent_error_is_dead_at_once_and_a_replay_applies_it_when_possible(committed):
    from federation.messaging.deadletters import operator_principal, replay

    needed = token()
    marker = token()
    message_id = send_committed(
        committed["esil"], REQUIRES, {"token": marker, "requires": needed}, target="kyzylzhar"
    )
    assert deliver(message_id).result == Result.DEAD
    row = message(message_id)
    assert row.attempts == 1 and f"unknown reference {needed!r}" in row.last_error
    # The missing reference arrives; an operator replays the dead letter.
    assert deliver(
        send_committed(committed["esil"], PROBE, {"token": needed}, target="kyzylzhar")
    ).result == (Result.DELIVERED)
    result = replay(
        [message_id, uuid.uuid4()], actor=operator_principal("tester"), reason="reference arrived"
    )
    assert result.replayed == [message_id] and list(result.refused.values()) == ["no such message"]
    assert message(message_id).state == MessageState.PENDING
    assert deliver(message_id).result == Result.DELIVERED
    row = message(message_id)
    assert (row.state, row.attempts, row.replays) == (MessageState.DELIVERED, 1, 1)
    replayed = row.events.get(event=EventKind.REPLAYED)
    assert (replayed.actor, replayed.error) == ("manage.py:tester", "reference arrived")
    assert len(probes("kyzylzhar", marker)) == 1
    # Only dead letters are replayed.
    assert replay([message_id], actor=operator_principal()).refused == {
        message_id: "not dead (state: delivered)"
    }


def test_a_later_message_of_a_key_waits_while_an_earlier_one_is_retrying(committed, quick_retries):
    key = f"appeal:{token()[:12]}"
    first, second = token(), token()
    first_id = send_committed(
        committed["esil"], FLAKY, {"token": first, "succeed_on_attempt": 2}, target="public", ordering_key=key
    )
    second_id = send_committed(committed["esil"], PROBE, {"token": second}, target="public", ordering_key=key)
    assert deliver(first_id).result == Result.RETRY_SCHEDULED
    assert deliver(second_id).result == Result.WAITING
    assert message(second_id).attempts == 0 and probes("public", second) == []
    wait_until_due(first_id)
    # The relay delivers the first, then the one that waited for it.
    reports = deliver_in_order(first_id, via="retry")
    assert [(r.message_id, r.result) for r in reports] == [
        (first_id, Result.DELIVERED),
        (second_id, Result.DELIVERED),
    ]
    assert message(second_id).delivered_via == "successor"
    assert probes("public", first)[0].applied_at < probes("public", second)[0].applied_at


def test_a_dead_status_update_replayed_after_a_newer_one_is_stale_and_changes_nothing(committed):
    from federation.messaging.deadletters import operator_principal, replay

    key = f"appeal:{token()[:12]}"
    older = send_committed(
        committed["kyzylzhar"],
        REQUIRES,
        {"token": token(), "requires": token()},
        target="public",
        ordering_key=key,
    )
    newer_token = token()
    newer = send_committed(
        committed["kyzylzhar"],
        PROBE,
        {"token": newer_token, "value": "closed"},
        target="public",
        ordering_key=key,
    )
    assert deliver(older).result == Result.DEAD
    assert deliver(newer).result == Result.DELIVERED  # a dead predecessor does not block its key
    replay([older], actor=operator_principal())
    report = deliver(older)
    assert (report.result, report.outcome) == (Result.DELIVERED, Outcome.STALE)
    assert [r.value for r in probes("public", newer_token)] == ["closed"]


def test_a_target_deactivated_after_sending_dead_letters_the_message_until_replayed(committed):
    from federation.messaging.deadletters import operator_principal, replay
    from tenants.onboarding import set_tenant_active

    marker = token()
    message_id = send_committed(committed["kyzylzhar"], PROBE, {"token": marker}, target="esil")
    set_tenant_active("esil", False)
    try:
        assert deliver(message_id).result == Result.DEAD
        assert "target akimat 'esil' is deactivated" in message(message_id).last_error
    finally:
        set_tenant_active("esil", True)
    replay([message_id], actor=operator_principal())
    assert deliver(message_id).result == Result.DELIVERED
    assert len(probes("esil", marker)) == 1


def test_the_recorded_source_is_verified_before_applying(committed):
    """A row whose source is no registered akimat (forged or corrupted) is never applied."""
    marker = token()
    forged = Message.objects.create(
        kind=PROBE,
        schema_version=1,
        source_schema="nowhere",
        target_schema="esil",
        payload={"token": marker},
        max_attempts=3,
    )
    assert deliver(forged.pk).result == Result.DEAD
    assert "source schema 'nowhere' is not a registered akimat" in message(forged.pk).last_error
    assert probes("esil", marker) == []


def test_deliver_refuses_to_run_inside_a_transaction(tenants):
    with pytest.raises(RuntimeError, match=r"outside transaction\.atomic"):
        deliver(uuid.uuid4())


@pytest.mark.parametrize("attempt", [1, 2, 3, 5, 12])
def test_the_backoff_grows_exponentially_with_jitter_up_to_the_cap(settings, attempt):
    settings.FEDERATION_RETRY_BASE_SECONDS = 2.0
    settings.FEDERATION_RETRY_MAX_SECONDS = 60.0
    step = min(60.0, 2.0 * 2 ** (attempt - 1))
    delays = [retry_delay(attempt) for _ in range(200)]
    assert all(step / 2 <= d <= step for d in delays)
    assert max(delays) - min(delays) > step / 10  # jitter spreads them


def test_a_call_outside_ikomek_runs_outside_the_delivery_transaction_once(committed):
    # A SELF kind (the CAD's) is called with no transaction open, then receipted; a replay of the
    # same message or an older message of its key arriving after a newer one is not called again.
    outside_calls.clear()
    first, newer, failing = token(), token(), token()
    m1 = send_committed("esil", OUTSIDE, {"token": first}, target="esil", ordering_key="cad:x")
    m2 = send_committed("esil", OUTSIDE, {"token": newer}, target="esil", ordering_key="cad:x")
    assert deliver(m1).result == Result.DELIVERED and deliver(m2).result == Result.DELIVERED
    assert outside_calls == [
        {"token": first, "in_transaction": False, "schema": "esil"},
        {"token": newer, "in_transaction": False, "schema": "esil"},
    ]
    with schema_context("esil"):
        assert Receipt.objects.filter(message_id__in=[m1, m2], outcome="applied").count() == 2

    # Replayed although its receipt is there: a duplicate, nobody is called.
    Message.objects.filter(pk=m2).update(state=MessageState.PENDING, next_attempt_at=timezone.now())
    assert deliver(m2).outcome == Outcome.DUPLICATE
    # An older one of the key after the newer (e.g. a dead letter replayed late): stale, not called.
    with schema_context("esil"):
        Receipt.objects.filter(message_id=m1).delete()
    Message.objects.filter(pk=m1).update(state=MessageState.PENDING, next_attempt_at=timezone.now())
    assert deliver(m1).outcome == Outcome.STALE
    assert len(outside_calls) == 2

    # The far end down: retried later, no receipt yet.
    m3 = send_committed("esil", OUTSIDE, {"token": failing, "fail_on_attempt": 1}, target="esil")
    assert deliver(m3).result == Result.RETRY_SCHEDULED
    with schema_context("esil"):
        assert not Receipt.objects.filter(message_id=m3).exists()
    Message.objects.filter(pk=m3).update(next_attempt_at=timezone.now())
    assert deliver(m3).result == Result.DELIVERED
    assert [c["token"] for c in outside_calls[2:]] == [failing, failing]
