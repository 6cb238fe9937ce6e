"""The receiving side: each message applied once, never an older one of a key after a newer one."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from federation.messaging.errors import IsolationError
from federation.messaging.handlers import Envelope, registration_for
from federation.messaging.inbox.models import OrderingCursor, ProbeRecord, Receipt
from federation.messaging.inbox.receive import receive
from federation.messaging.models import Outcome
from federation.messaging.probe import KIND as PROBE
from testkit.concurrency import run_at_once
from tests.federation.conftest import token
from tests.federation.kinds import ESCAPE, SLOW


def envelope(
    kind: str = PROBE,
    *,
    target: str = "esil",
    source: str = "kyzylzhar",
    payload: dict | None = None,
    key: str | None = None,
    sequence: int | None = None,
    message_id: uuid.UUID | None = None,
) -> Envelope:
    return Envelope(
        message_id=message_id or uuid.uuid4(),
        kind=kind,
        schema_version=1,
        source_schema=source,
        target_schema=target,
        ordering_key=key,
        sequence=sequence,
        payload=payload or {"token": token()},
        attempt=1,
        created_at=timezone.now(),
    )


def receive_in(schema: str, env: Envelope) -> Outcome:
    with schema_context(schema), transaction.atomic():
        return receive(env, registration_for(env.kind).handler)


def test_the_same_message_twice_has_one_effect(tenants):
    env = envelope()
    assert receive_in("esil", env) == Outcome.APPLIED
    assert receive_in("esil", env) == Outcome.DUPLICATE
    with schema_context("esil"):
        assert ProbeRecord.objects.filter(message_id=env.message_id).count() == 1
        receipt = Receipt.objects.get(message_id=env.message_id)
    assert (receipt.source_schema, receipt.outcome) == ("kyzylzhar", "applied")


def test_status_updates_arriving_out_of_order_end_in_the_newest_state(tenants):
    key = "appeal:109-000042"
    updates = {
        n: envelope(key=key, sequence=n, payload={"token": token(), "value": f"status-{n}"})
        for n in (1, 2, 3, 4)
    }
    outcomes = [receive_in("esil", updates[n]) for n in (1, 3, 2, 4)]
    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED, Outcome.STALE, Outcome.APPLIED]
    with schema_context("esil"):
        applied = list(
            ProbeRecord.objects.filter(ordering_key=key).order_by("id").values_list("sequence", "value")
        )
        assert applied == [(1, "status-1"), (3, "status-3"), (4, "status-4")]  # 2 came after 3: ignored
        assert OrderingCursor.objects.get(source_schema="kyzylzhar", ordering_key=key).last_sequence == 4
        assert Receipt.objects.get(message_id=updates[2].message_id).outcome == "stale"
    # The same key from another source is another sequence.
    assert receive_in("esil", envelope(source="petropavlovsk", key=key, sequence=1)) == Outcome.APPLIED


def test_a_message_is_refused_outside_its_target_schema(tenants):
    env = envelope(target="esil")
    with pytest.raises(IsolationError, match="received in schema 'kyzylzhar'"):
        receive_in("kyzylzhar", env)
    with schema_context("kyzylzhar"):
        assert not Receipt.objects.filter(message_id=env.message_id).exists()


def test_a_handler_that_leaves_the_target_schema_is_stopped_and_rolled_back(tenants):
    env = envelope(ESCAPE)
    with pytest.raises(IsolationError, match="left 'esil'"):
        receive_in("esil", env)
    for schema in ("esil", "public", "kyzylzhar"):
        with schema_context(schema):
            assert not ProbeRecord.objects.filter(message_id=env.message_id).exists()
            assert not Receipt.objects.filter(message_id=env.message_id).exists()


def test_receipts_and_effects_stay_in_the_receivers_schema(tenants):
    env = envelope(target="esil")
    receive_in("esil", env)
    with schema_context("esil"):
        record = ProbeRecord.objects.get(message_id=env.message_id)
    assert record.schema_seen == "esil"  # PostgreSQL's current_schema() while applying
    for schema in ("kyzylzhar", "petropavlovsk", "public"):
        with schema_context(schema):
            assert not ProbeRecord.objects.filter(message_id=env.message_id).exists()
            assert not Receipt.objects.filter(message_id=env.message_id).exists()


def test_two_concurrent_deliveries_of_one_message_apply_it_once(committed, tmp_path):
    """Two connections receive the same message at the same time; the slow handler makes them overlap."""
    env = envelope(SLOW, payload={"token": token(), "seconds": 1.0, "marker": str(tmp_path / "m")})
    outcomes = run_at_once(*[lambda: receive_in("esil", env)] * 2)
    assert sorted(outcomes) == [Outcome.APPLIED, Outcome.DUPLICATE]
    with schema_context("esil"):
        assert ProbeRecord.objects.filter(message_id=env.message_id).count() == 1
