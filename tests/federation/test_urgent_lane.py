"""Urgent traffic (the 112 kinds) never waits behind a backlog: its lane has drains, a task and a queue
of its own, and a worker of its own (as `make run` starts one) delivers it while the ordinary worker
is stuck in a batch at the head of a backlog.

Real broker, real worker processes, one per queue.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from federation.messaging.models import Message, MessageState
from federation.messaging.outbox import send
from federation.messaging.probe import KIND as PROBE
from testkit.processes import wait_until
from tests.federation.conftest import probes, relay_worker, send_committed, token, wait_for_state
from tests.federation.kinds import SLOW, URGENT

pytestmark = pytest.mark.slow

BACKLOG = 3000


def test_an_urgent_message_overtakes_a_backlog_of_ordinary_ones(committed, tmp_path):
    in_handler = tmp_path / "in-handler"
    with schema_context("esil"), transaction.atomic():
        # At the head of the backlog: holds the ordinary worker inside its batch for a few seconds.
        send(SLOW, {"token": token(), "seconds": 4, "marker": str(in_handler)}, target="public")
        backlog = [send(PROBE, {"token": token()}, target="public") for _ in range(BACKLOG)]
    logs = [tmp_path / "ordinary.log", tmp_path / "urgent.log"]
    with (
        relay_worker(logs[0], "-Q", "celery", "-n", "ordinary@%h"),
        relay_worker(logs[1], "-Q", "urgent", "-n", "urgent@%h"),
    ):
        assert wait_until(
            lambda: all(" ready." in log.read_text() for log in logs if log.exists()), timeout=90
        )
        assert wait_until(in_handler.exists, timeout=60), logs[0].read_text()[-3000:]
        marker = token()
        sent = time.monotonic()
        urgent_id = send_committed("petropavlovsk", URGENT, {"token": marker}, target="public")
        wait_for_state(urgent_id, MessageState.DELIVERED, timeout=10)
        took = time.monotonic() - sent
        waiting = Message.objects.filter(pk__in=backlog).exclude(state=MessageState.DELIVERED).count()
        assert wait_until(
            lambda: not Message.objects.filter(pk__in=backlog).exclude(state=MessageState.DELIVERED).exists(),
            timeout=120,
        ), logs[0].read_text()[-3000:]
    # Delivered within a second while (nearly) the whole backlog still waited for the ordinary worker.
    assert took < 1.0, took
    assert waiting > BACKLOG / 2, waiting
    assert len(probes("public", marker)) == 1
