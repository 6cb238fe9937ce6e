"""Killed workers lose nothing and apply nothing twice; racing workers apply a message once.

These tests commit for real (no test transaction); tests/conftest.py creates the test database
even when only these are selected.
"""

from __future__ import annotations

import re

import pytest

from federation.messaging.models import EventKind, MessageState
from federation.messaging.probe import KIND as PROBE
from federation.messaging.tasks import kick
from testkit.processes import wait_until
from tests.federation.conftest import message, probes, relay_worker, send_committed, token, wait_for_state
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


def test_two_workers_racing_for_one_message_apply_it_once(committed, tmp_path):
    marker = token()
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with relay_worker(logs[0], "-n", "a@%h"), relay_worker(logs[1], "-n", "b@%h"):
        assert wait_until(lambda: all(ready(log) for log in logs), timeout=90)
        message_id = send_committed(
            committed["petropavlovsk"],
            SLOW,
            {"token": marker, "seconds": 3, "stall_on_attempt": 1, "marker": str(tmp_path / "m")},
            target="esil",
        )
        for _ in range(6):
            kick(message_id, "kick")  # duplicates of the kick, as a broker redelivery would make
        row = wait_for_state(message_id, MessageState.DELIVERED)

        def outcomes() -> list[str]:
            """What each finished delivery task reported for the message ("succeeded in …: ['<id>:busy']")."""
            text = "".join(log.read_text() for log in logs)
            return re.findall(rf"'{message_id}:(\w+)'", text)

        # The kick of the commit and its six duplicates: seven tasks, each reports once when it ends.
        assert wait_until(lambda: len(outcomes()) >= 7, timeout=60), outcomes()
    assert row.attempts == 1
    assert len(probes("esil", marker)) == 1
    assert len(outcomes()) == 7 and outcomes().count("delivered") == 1, outcomes()
    assert set(outcomes()) <= {"delivered", "busy", "done_already"}, outcomes()
    assert "busy" in outcomes()  # a second worker really tried while the first applied it
