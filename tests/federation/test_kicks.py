"""Kicks are coalesced: however many messages commit, the broker holds at most one queued drain per
target and lane, and neither a sweep nor more commits add another while it waits. Counted in the
test broker's own Redis lists (kombu keeps one per queue); no worker consumes them here."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from federation.messaging.kicks import drain_mark, forget_all_marks, forget_mark, resume_kicks
from federation.messaging.models import Message
from federation.messaging.probe import KIND as PROBE
from federation.messaging.sweep import sweep
from ikomek.celery import app
from tests.federation.conftest import probes, send_committed, token
from tests.federation.kinds import OWN, OWN_TASK, URGENT


@pytest.fixture
def empty_broker(committed):
    """Nothing queued and no marks left by earlier tests; kicks not paused."""
    app.control.purge()
    forget_all_marks()
    resume_kicks()
    yield
    app.control.purge()
    forget_all_marks()


def queued(queue: str) -> Counter[tuple[str, tuple]]:
    """The tasks waiting in a queue of the broker: (task name, its args) and how many of each."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    tasks: Counter[tuple[str, tuple]] = Counter()
    for raw in client.lrange(queue, 0, -1):
        message = json.loads(raw)
        body = json.loads(base64.b64decode(message["body"]))
        tasks[(message["headers"]["task"], tuple(body[0]))] += 1
    return tasks


def drain_args(target: str, lane: str = "default") -> tuple:
    return (target, lane, "kick", drain_mark(lane, target))


def test_a_flood_of_commits_queues_one_drain_per_target_and_lane(empty_broker):
    for _ in range(40):
        send_committed("esil", PROBE, {"token": token()}, target="public")
        send_committed("kyzylzhar", PROBE, {"token": token()}, target="esil")
    for _ in range(5):
        send_committed("esil", URGENT, {"token": token()}, target="public")
    assert queued("celery") == {
        ("federation.drain", drain_args("public")): 1,
        ("federation.drain", drain_args("esil")): 1,
    }
    assert queued("urgent") == {("federation.drain_urgent", drain_args("public", "urgent")): 1}

    # The drain of the region starts (it forgets its mark first): later commits queue the next one, once.
    forget_mark(drain_mark("default", "public"))
    for _ in range(10):
        send_committed("petropavlovsk", PROBE, {"token": token()}, target="public")
    assert queued("celery")[("federation.drain", drain_args("public"))] == 2
    assert sum(queued("celery").values()) == 3


def test_the_sweep_kicks_nothing_that_has_a_kick_waiting(empty_broker, settings):
    settings.FEDERATION_SWEEP_GRACE_SECONDS = 5
    # A kind delivered by a task of its own is kicked per message, marked per message.
    own = send_committed("esil", OWN, {"token": token()}, target="public")
    assert queued("celery") == {(OWN_TASK, (str(own), "kick")): 1}
    # The sweep finds it due long ago (its task waits, as under overload): it hands it over again,
    # which changes nothing while that task is queued.
    Message.objects.filter(pk=own).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    counts = sweep().counts
    assert counts == {"handed_over": 1}
    assert queued("celery") == {(OWN_TASK, (str(own), "kick")): 1}
    # Once its task has started (and forgotten the mark), a sweep may ask again.
    forget_all_marks()
    sweep()
    assert queued("celery") == {(OWN_TASK, (str(own), "kick")): 1, (OWN_TASK, (str(own), "sweep")): 1}


def test_a_drain_right_after_another_lingers_with_its_mark_set_so_commits_meanwhile_queue_nothing(
    empty_broker, settings
):
    """Under a steady stream each drain would take the message or two committed while the last one
    ran; lingering, the next drain gathers what commits in that time into one task and one batch
    (decision 85). 112's lane never lingers."""
    from federation.messaging.tasks import drain_and_report

    # Long enough for the three commits below on a loaded machine (they must fall inside it).
    settings.FEDERATION_DRAIN_LINGER_SECONDS = 2.0
    drain_and_report("public", "default", "kick", "")  # the previous drain, just ended
    mark = drain_mark("default", "public")
    redis.Redis.from_url(settings.CELERY_BROKER_URL).set(mark, "1")  # this drain's kick
    markers = [token()]
    send_committed("esil", PROBE, {"token": markers[0]}, target="public")
    assert queued("celery") == {}  # the mark says a drain is queued: none added

    started = timezone.now()
    done = {}

    def drain_elsewhere() -> None:
        try:
            done.update(drain_and_report("public", "default", "kick", mark))
        finally:
            connection.close()

    worker = threading.Thread(target=drain_elsewhere)
    worker.start()
    time.sleep(0.2)  # lingering: commits now still find the mark and queue nothing
    for _ in range(3):
        markers.append(token())
        send_committed("petropavlovsk", PROBE, {"token": markers[-1]}, target="public")
    assert queued("celery") == {}
    worker.join(10)
    lingered = (timezone.now() - started).total_seconds()
    assert lingered >= 2.0
    # One drain, one batch, every message of the stream.
    assert (done["batches"], done["delivered"]) == (1, 4)
    assert all(len(probes("public", marker)) == 1 for marker in markers)
    # Its mark was forgotten when it started draining: what commits now queues the next drain.
    send_committed("esil", PROBE, {"token": token()}, target="public")
    assert queued("celery") == {("federation.drain", drain_args("public")): 1}


def test_the_urgent_lane_and_a_drain_long_after_the_last_do_not_linger(empty_broker, settings):
    from federation.messaging.tasks import drain_and_report

    settings.FEDERATION_DRAIN_LINGER_SECONDS = 0.5
    for lane in ("urgent", "default"):
        drain_and_report("public", lane, "kick", "")
    started = time.monotonic()
    drain_and_report("public", "urgent", "kick", "")
    assert time.monotonic() - started < 0.4
    # One that comes after the linger has passed does not wait at all.
    time.sleep(0.6)
    started = time.monotonic()
    drain_and_report("public", "default", "kick", "")
    assert time.monotonic() - started < 0.4


def test_a_batch_under_the_limit_ends_the_drain_and_what_commits_meanwhile_has_its_own(
    empty_broker, tmp_path
):
    """A drain whose batch took everything claimable does not claim again to find nothing (a third
    of an emergency's drain): what commits while it works is kicked by its own commit, as the drain
    forgot its mark when it started, and is left for that drain."""
    from federation.messaging.drains import drain
    from tests.federation.kinds import SLOW

    marker = tmp_path / "stalled"
    send_committed("esil", SLOW, {"token": token(), "seconds": 1.0, "marker": str(marker)}, target="public")
    app.control.purge()
    forget_mark(drain_mark("default", "public"))  # as the queued drain's task does when it starts
    report = {}

    def drain_here() -> None:
        try:
            report["drain"] = drain("public", "default")
        finally:
            connection.close()

    worker = threading.Thread(target=drain_here)
    worker.start()
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert marker.exists()  # the batch is claimed and being applied
    later = token()
    send_committed("kyzylzhar", PROBE, {"token": later}, target="public")
    worker.join(10)

    assert (report["drain"].batches, report["drain"].counts["delivered"]) == (1, 1)
    assert probes("public", later) == []  # not claimed by the drain that was running
    assert queued("celery") == {("federation.drain", drain_args("public")): 1}  # but its drain waits
    assert drain("public", "default").counts["delivered"] == 1
    assert len(probes("public", later)) == 1
