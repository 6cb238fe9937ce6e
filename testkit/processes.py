"""Real helper processes for tests: free ports, a private Redis, Celery workers and beat."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from testkit.paths import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: object, timeout: float = 20.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@contextmanager
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A Redis server of the test's own on a free loopback port; yields (url, process)."""
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(tmp_path),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    assert wait_until(answers, timeout=10), "private redis-server did not start"
    try:
        yield url, process
    finally:
        process.kill()
        process.wait(timeout=10)


def env_for_test_database() -> dict[str, str]:
    """Environment for a child process that must use the test database pytest-django created."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return env


# The relay's timings for the tests' workers and beat (production: retries from 2 s up to 10 minutes,
# a sweep every minute): retries from 0.3 s capped at 1 s, a sweep every second with a second's grace.
QUICK_RELAY_ENV = {
    "FEDERATION_RETRY_BASE_SECONDS": "0.3",
    "FEDERATION_RETRY_MAX_SECONDS": "1",
    "FEDERATION_SWEEP_SECONDS": "1",
    "FEDERATION_SWEEP_GRACE_SECONDS": "1",
}

# A worker in one process that starts quickly and talks to no other worker.
WORKER_OPTIONS = (
    "--pool",
    "solo",
    "--loglevel",
    "INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
)


@contextmanager
def celery(log_path: Path, *command: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """A real `celery -A ikomek <command>` on the test broker and test database, stopped at the end.

    `env` is added to the child's environment (e.g. quick relay retries). The log is appended to: a
    worker started again on the same log keeps the lines of the one before (a test may have killed it).
    """
    connection.close()  # the child must not inherit our socket
    with log_path.open("a") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ikomek", *command],
            cwd=ROOT,
            env={**env_for_test_database(), **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def celery_worker(
    log_path: Path, *extra_args: str, env: dict[str, str] | None = None
) -> AbstractContextManager[subprocess.Popen]:
    """A Celery worker (solo pool); `extra_args` e.g. `-n name@%h` or `-I module` to import."""
    return celery(log_path, "worker", *WORKER_OPTIONS, *extra_args, env=env)


def celery_beat(folder: Path, env: dict[str, str] | None = None) -> AbstractContextManager[subprocess.Popen]:
    """Celery beat as its own process: schedule file and `beat.log` in `folder`."""
    schedule = str(folder / "beat-schedule")
    return celery(folder / "beat.log", "beat", "--loglevel", "INFO", "--schedule", schedule, env=env)
