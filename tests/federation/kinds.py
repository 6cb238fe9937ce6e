"""Message kinds used only by the tests: real registered handlers with real effects (probe rows).

Imported by the test process (conftest) and by the test workers (`celery worker -I
tests.federation.kinds`), so both sides know them, as web and worker know the production kinds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection

from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope, register
from federation.messaging.inbox.models import ProbeRecord
from federation.messaging.probe import record_probe

FLAKY = "test.flaky"
SLOW = "test.slow"
REQUIRES = "test.requires"
ESCAPE = "test.escape"
REGION_ONLY = "test.region_only"
OUTSIDE = "test.outside"
STATE = "test.state"  # newest_only: a newer message of its key supersedes the older ones waiting
STATE_FLAKY = "test.state_flaky"  # newest_only, failing like FLAKY
URGENT = "test.urgent"  # the urgent lane, as the 112 kinds
OWN = "test.own"  # a delivery task of its own (no worker runs it: the tests count its kicks)
OWN_TASK = "tests.federation.own_delivery"

# What the OUTSIDE handler saw, per call (in-process deliveries only).
outside_calls: list[dict] = []


def apply_flaky(envelope: Envelope) -> None:
    """Fails (as a receiver that is briefly unavailable would) until the given attempt."""
    if envelope.attempt < envelope.payload["succeed_on_attempt"]:
        raise ConnectionError(f"receiver unavailable on attempt {envelope.attempt}")
    record_probe(envelope)


def apply_slow(envelope: Envelope) -> None:
    """Writes its probe, then on some attempts (the first by default) signals through a file and
    stalls inside the transaction."""
    record_probe(envelope)
    stall_on = envelope.payload.get("stall_on_attempts", [envelope.payload.get("stall_on_attempt", 1)])
    if envelope.attempt in stall_on:
        Path(envelope.payload["marker"]).write_text(str(os.getpid()))
        time.sleep(envelope.payload["seconds"])


def apply_requires(envelope: Envelope) -> None:
    """Applies only when the receiver has the probe it refers to (like an update of a known appeal)."""
    required = envelope.payload["requires"]
    if not ProbeRecord.objects.filter(token=required).exists():
        raise PermanentError(f"unknown reference {required!r} in {connection.schema_name!r}")
    record_probe(envelope)


def apply_escape(envelope: Envelope) -> None:
    """Misbehaves: writes its probe, then switches the connection to another schema."""
    record_probe(envelope)
    if connection.schema_name == "public":
        connection.set_schema("esil")
    else:
        connection.set_schema_to_public()


def apply_outside(envelope: Envelope) -> None:
    """Stands for a call to a system outside iKOMEK (a CAD): notes whether a transaction was open."""
    outside_calls.append(
        {
            "token": envelope.payload["token"],
            "in_transaction": connection.in_atomic_block,
            "schema": connection.schema_name,
        }
    )
    if envelope.attempt == envelope.payload.get("fail_on_attempt"):
        raise ConnectionError("the far end is down")


TOKEN = {"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]}

register(FLAKY, apply_flaky, payload_schema=TOKEN)
register(SLOW, apply_slow, payload_schema=TOKEN)
register(REQUIRES, apply_requires, payload_schema=TOKEN)
register(ESCAPE, apply_escape, payload_schema=TOKEN)
register(REGION_ONLY, record_probe, payload_schema=TOKEN, targets="region")
register(OUTSIDE, apply_outside, targets="self")
register(STATE, record_probe, payload_schema=TOKEN, newest_only=True)
register(STATE_FLAKY, apply_flaky, payload_schema=TOKEN, newest_only=True)
register(URGENT, record_probe, payload_schema=TOKEN, urgent=True)
register(OWN, record_probe, payload_schema=TOKEN, delivery_task=OWN_TASK)
