"""One beat at a time (production's scheduler, celery-redbeat, decision 83): a second beat started
beside the first sends nothing while the first lives, and takes over when the first dies without a
word (SIGKILL: its lock is left to expire). Real beats, real Redis; the jobs they send are read from
the broker's queue, each naming the process that sent it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from testkit.paths import ROOT
from testkit.processes import env_for_test_database, wait_until

pytestmark = pytest.mark.slow  # starts two beats

WATCHDOG = "emergency_112.raise_ack_alarms"  # every EMERGENCY_WATCHDOG_SECONDS, in the public schema
# A database of the tests' Redis of its own (testkit/parallel.py's list): its queue holds only these
# beats' jobs. It was 9, the second test process's cache, whose keys its flushes wiped mid-test.
BROKER_DB = 7


@pytest.fixture
def broker() -> Iterator[tuple[str, redis.Redis]]:
    url = f"{settings.REDIS_URL.rsplit('/', 1)[0]}/{BROKER_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url, client
    client.flushdb()


def start_beat(broker_url: str, prefix: str, log: Path) -> subprocess.Popen:
    env = env_for_test_database() | {
        "CELERY_BEAT_SCHEDULER": "redbeat.RedBeatScheduler",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_REDBEAT_REDIS_URL": broker_url,
        "CELERY_REDBEAT_KEY_PREFIX": prefix,
        "CELERY_REDBEAT_LOCK_TIMEOUT": "4",
        "CELERY_BEAT_MAX_LOOP_INTERVAL": "1",
        "EMERGENCY_WATCHDOG_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ikomek", "beat", "--loglevel", "DEBUG", "--pidfile="],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def watchdog_senders(client: redis.Redis) -> Counter:
    """How many watchdog jobs each process (Celery's `origin`, gen<pid>@host) put on the queue."""
    senders: Counter = Counter()
    for raw in client.lrange("celery", 0, -1):
        headers = json.loads(raw)["headers"]
        if headers["task"] == WATCHDOG:
            senders[headers["origin"].split("@")[0]] += 1
    return senders


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=20)


def test_a_second_beat_waits_and_takes_over_when_the_first_dies(broker, tmp_path):
    url, client = broker
    prefix = f"test-beat-{uuid.uuid4().hex[:8]}"
    first = start_beat(url, prefix, tmp_path / "first.log")
    second = None
    try:
        first_name = f"gen{first.pid}"
        assert wait_until(lambda: watchdog_senders(client)[first_name] >= 2, timeout=60), (
            tmp_path / "first.log"
        ).read_text()[-3000:]

        second = start_beat(url, prefix, tmp_path / "second.log")
        second_name = f"gen{second.pid}"
        # The second beat is up and waiting for the lock.
        assert wait_until(lambda: "Acquiring lock" in (tmp_path / "second.log").read_text(), timeout=60), (
            tmp_path / "second.log"
        ).read_text()[-3000:]
        before = watchdog_senders(client)[first_name]
        time.sleep(6)
        senders = watchdog_senders(client)
        assert senders[second_name] == 0, senders
        # The first kept its pace alone: one job a second, not two.
        assert 3 <= senders[first_name] - before <= 9, senders
        assert "Acquired lock" not in (tmp_path / "second.log").read_text()

        # The first dies without releasing the lock: the second takes over once it expires (4 s).
        stop(first, signal.SIGKILL)
        died = time.monotonic()
        assert wait_until(lambda: watchdog_senders(client)[second_name] >= 2, timeout=30), (
            tmp_path / "second.log"
        ).read_text()[-3000:]
        assert time.monotonic() - died < 15
        assert "Acquired lock" in (tmp_path / "second.log").read_text()
        assert set(watchdog_senders(client)) == {first_name, second_name}
    finally:
        stop(first, signal.SIGKILL)
        if second is not None:
            stop(second)
