"""Federation test helpers: committed sends, probes per schema, a real relay (worker + beat)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from federation.handlers import register
from federation.inbox.models import ProbeRecord, Receipt
from federation.models import Message
from federation.outbox import send
from federation.probe import record_probe
from tests.federation import kinds  # noqa: F401  (registers the test kinds in this process)
from tests.support.processes import ROOT, celery_worker, env_for_test_database, wait_until

# Known to this (sending) process only: the workers never import it, as after a deploy where the
# web knows a kind the workers do not yet.
SENDER_ONLY = "test.sender_only"
register(SENDER_ONLY, record_probe)

# The relay's timings for tests: quick retries and sweeps, few attempts.
RELAY_ENV = {
    "FEDERATION_RETRY_BASE_SECONDS": "0.3",
    "FEDERATION_RETRY_MAX_SECONDS": "2",
    "FEDERATION_SWEEP_SECONDS": "1",
    "FEDERATION_SWEEP_GRACE_SECONDS": "1",
    "FEDERATION_MAX_ATTEMPTS": "4",
}


@pytest.fixture
def committed(onboarded, django_db_blocker) -> Iterator[dict]:
    """Real commits in the test database (on_commit runs, other connections see the rows)."""
    with django_db_blocker.unblock():
        yield onboarded
        connection.set_schema_to_public()


def schema_of(sender: object) -> str:
    return sender if isinstance(sender, str) else sender.schema_name


def send_committed(
    sender: object, kind: str, payload: dict, *, target: object, **options: object
) -> uuid.UUID:
    """Send from `sender` (an Akimat or a schema name) in a transaction of its own, and commit."""
    with schema_context(schema_of(sender)), transaction.atomic():
        return send(kind, payload, target=target, **options)


def token() -> str:
    return uuid.uuid4().hex


def probes(schema_name: str, probe_token: str) -> list[ProbeRecord]:
    with schema_context(schema_name):
        return list(ProbeRecord.objects.filter(token=probe_token).order_by("id"))


def receipts(schema_name: str, message_id: uuid.UUID) -> list[Receipt]:
    with schema_context(schema_name):
        return list(Receipt.objects.filter(message_id=message_id))


def message(message_id: uuid.UUID) -> Message:
    with schema_context("public"):
        return Message.objects.get(pk=message_id)


def wait_for_state(message_id: uuid.UUID, *states: str, timeout: float = 40.0) -> Message:
    assert wait_until(lambda: message(message_id).state in states, timeout=timeout), (
        f"message {message_id} stayed {message(message_id).state}, expected {states}"
    )
    return message(message_id)


@contextmanager
def relay_env() -> Iterator[None]:
    """The environment the child processes inherit (celery_worker copies os.environ at start)."""
    saved = {name: os.environ.get(name) for name in RELAY_ENV}
    os.environ.update(RELAY_ENV)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def relay_worker(log_path: Path, *args: str) -> Iterator[subprocess.Popen]:
    with relay_env(), celery_worker(log_path, "-I", "tests.federation.kinds", *args) as process:
        yield process


@contextmanager
def celery_beat(tmp_path: Path) -> Iterator[subprocess.Popen]:
    """Celery beat as its own process (the relay's periodic sweep)."""
    connection.close()
    with relay_env():
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ikomek",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(tmp_path / "beat-schedule"),
            ],
            cwd=ROOT,
            env=env_for_test_database(),
            stdout=(tmp_path / "beat.log").open("w"),
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package", autouse=True)
def _leave_no_messages_behind(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Tests commit real messages; later suites (and their workers) start from an empty outbox."""
    yield
    from ikomek.celery import app

    with django_db_blocker.unblock():
        app.control.purge()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE public.federation_messageevent, public.federation_message, "
                "public.federation_orderingsequence"
            )
