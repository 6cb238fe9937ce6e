"""Killed workers lose nothing and apply nothing twice, also in the middle of a batch; racing workers
apply a message once.

These tests commit for real (no test transaction); tests/conftest.py creates the test database
even when only these are selected.
"""

from __future__ import annotations

import ast
import re
import time

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from federation.messaging.models import EventKind, MessageState
from federation.messaging.outbox import send
from federation.messaging.probe import KIND as PROBE
from federation.messaging.tasks import kick
from testkit.processes import wait_until
from tests.federation.conftest import (
    message,
    probes,
    receipts,
    relay_worker,
    send_committed,
    token,
    wait_for_state,
)
from tests.federation.kinds import SLOW

pytestmark = pytest.mark.slow


def ready(log) -> bool:
    return log.exists() and " ready." in log.read_text()


def test_a_worker_killed_mid_handler_and_with_work_queued_loses_nothing(committed, tmp_path):
    stalled, queued = token(), token()
    marker = tmp_path / "in-handler"
    log = tmp_path / "first.log"
    with relay_worker(log, "-n", "first@%h") as first:
        assert wait_until(lambda: ready(log), timeout=60), log.read_text()
        slow_id = send_committed(
            committed["kyzylzhar"],
            SLOW,
            {"token": stalled, "seconds": 300, "stall_on_attempt": 1, "marker": str(marker)},
            target="public",
        )
        assert wait_until(marker.exists, timeout=60), log.read_text()
        # Committed while the only worker is busy: its kick waits in the broker.
        queued_id = send_committed(committed["esil"], PROBE, {"token": queued}, target="public")
        first.kill()  # SIGKILL inside the handler, its transaction open
        first.wait(timeout=10)

    row = message(slow_id)
    assert (row.state, row.attempts) == (MessageState.DELIVERING, 1)
    assert probes("public", stalled) == []  # the handler's write died with its transaction
    assert message(queued_id).state == MessageState.PENDING and probes("public", queued) == []

    with relay_worker(tmp_path / "second.log", "-n", "second@%h"):
        row = wait_for_state(slow_id, MessageState.DELIVERED)
        wait_for_state(queued_id, MessageState.DELIVERED)
    assert row.attempts == 2
    lost = row.events.get(event=EventKind.WORKER_LOST)
    assert lost.attempt == 1 and "interrupted" in lost.error
    (record,) = probes("public", stalled)
    assert record.attempt == 2
    assert len(probes("public", queued)) == 1


def drain_results(logs: list, target: str) -> list[dict]:
    """What each finished drain task of `target` reported ("succeeded in …: {'target': …}")."""
    text = "".join(log.read_text() for log in logs)
    found = re.findall(r"federation\.drain\[[^\]]+\] succeeded in [\d.]+s: (\{.*\})", text)
    return [result for result in map(ast.literal_eval, found) if result["target"] == target]


def test_two_workers_racing_for_one_target_apply_each_message_once(committed, tmp_path):
    marker = token()
    in_handler = tmp_path / "in-handler"
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with relay_worker(logs[0], "-n", "a@%h"), relay_worker(logs[1], "-n", "b@%h"):
        assert wait_until(lambda: all(ready(log) for log in logs), timeout=90)
        message_id = send_committed(
            committed["petropavlovsk"],
            SLOW,
            {"token": marker, "seconds": 3, "stall_on_attempt": 1, "marker": str(in_handler)},
            target="esil",
        )
        assert wait_until(in_handler.exists, timeout=60)
        # One worker's drain is inside the handler. Kicks again, as a broker redelivery or a sweep
        # would make them: the other worker, idle, runs each drain they queue (a kick queues one only
        # while none is waiting), and each finds the target's drain held.
        for _ in range(6):
            kick(message_id, "kick")
        row = wait_for_state(message_id, MessageState.DELIVERED)
        assert wait_until(lambda: len(drain_results(logs, "esil")) >= 2, timeout=60), drain_results(
            logs, "esil"
        )
        time.sleep(1)  # the kicks' last drains end
    results = drain_results(logs, "esil")
    assert 2 <= len(results) <= 7, results  # the commit's kick, and at most one per later kick
    assert [r.get("delivered", 0) for r in results].count(1) == 1, results
    assert all(
        r == {"target": "esil", "lane": "default", "batches": 0, "busy": 1}
        for r in results
        if "delivered" not in r
    )
    assert row.attempts == 1
    assert len(probes("esil", marker)) == 1


def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_duplicates_nothing(committed, tmp_path):
    in_handler = tmp_path / "in-handler"
    before, after, queued = ([token() for _ in range(8)] for _ in range(3))
    slow = token()
    # Stalls on its first two attempts: the first in the batch, the second when it goes alone.
    slow_payload = {"token": slow, "seconds": 300, "stall_on_attempts": [1, 2], "marker": str(in_handler)}
    log = tmp_path / "first.log"
    with relay_worker(log, "-n", "first@%h") as first:
        assert wait_until(lambda: ready(log), timeout=60), log.read_text()
        with schema_context("kyzylzhar"), transaction.atomic():
            batch = [send(PROBE, {"token": m}, target="public") for m in before]
            slow_id = send(SLOW, slow_payload, target="public")
            batch += [slow_id] + [send(PROBE, {"token": m}, target="public") for m in after]
        assert wait_until(in_handler.exists, timeout=60), log.read_text()
        # Committed while the only worker is stuck in the batch: their drain waits in the broker.
        queued_ids = [send_committed(committed["esil"], PROBE, {"token": m}, target="public") for m in queued]
        first.kill()  # SIGKILL in the middle of the batch, its transaction open
        first.wait(timeout=10)

    rows = [message(m) for m in batch]
    # One drain had claimed the whole commit as one batch; it died with everything applied so far.
    assert {(r.state, r.attempts, r.claimed_by) for r in rows} == {("delivering", 1, "drain:default:public")}
    assert all(probes("public", m) == [] for m in before + after + [slow])
    assert all(receipts("public", m) == [] for m in batch)
    assert {message(m).state for m in queued_ids} == {MessageState.PENDING}

    # The next worker takes the batch over; each message then goes alone. The slow one stalls again,
    # alone: that worker is killed too.
    in_handler.unlink()
    log = tmp_path / "second.log"
    with relay_worker(log, "-n", "second@%h") as second:
        assert wait_until(in_handler.exists, timeout=60), log.read_text()
        assert message(slow_id).claimed_by == str(slow_id)  # alone: its own claim
        second.kill()
        second.wait(timeout=10)

    with relay_worker(tmp_path / "third.log", "-n", "third@%h"):
        for message_id in batch + queued_ids:
            wait_for_state(message_id, MessageState.DELIVERED, timeout=60)
    for marker in before + after + queued + [slow]:
        assert len(probes("public", marker)) == 1, marker
        (record,) = probes("public", marker)
        assert [r.outcome for r in receipts("public", record.message_id)] == ["applied"]
    # The one that killed its workers paid two lost attempts; each other message of its batch one.
    slow_row = message(slow_id)
    assert slow_row.attempts == 3
    assert [e.attempt for e in slow_row.events.filter(event=EventKind.WORKER_LOST)] == [1, 2]
    assert {message(m).attempts for m in batch if m != slow_id} == {2}
    assert {message(m).attempts for m in queued_ids} == {1}
