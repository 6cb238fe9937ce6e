"""Federation test helpers: committed sends, probes per schema, a real relay (worker + beat)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from federation.messaging.handlers import register
from federation.messaging.inbox.models import ProbeRecord, Receipt
from federation.messaging.models import Message
from federation.messaging.outbox import send
from federation.messaging.probe import record_probe
from testkit.processes import QUICK_RELAY_ENV, celery_worker, wait_until
from tests.federation import kinds  # noqa: F401  (registers the test kinds in this process)

# Known to this (sending) process only: the workers never import it, as after a deploy where the
# web knows a kind the workers do not yet.
SENDER_ONLY = "test.sender_only"
register(SENDER_ONLY, record_probe)

# The relay tests' workers: the quick timings, and few attempts before the dead letters.
RELAY_ENV = QUICK_RELAY_ENV | {"FEDERATION_MAX_ATTEMPTS": "4"}


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


def relay_worker(
    log_path: Path, *args: str, env: dict[str, str] | None = None
) -> AbstractContextManager[subprocess.Popen]:
    """A worker with the relay's test timings (and `env`) that also knows the test kinds."""
    return celery_worker(log_path, "-I", "tests.federation.kinds", *args, env=RELAY_ENV | (env or {}))
