"""The relay with real processes: a Celery worker and Celery beat on the test broker and database.

These tests commit for real (no test transaction); tests/conftest.py creates the test database
even when only these are selected.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command

from federation.messaging.models import EventKind, MessageState, Outcome
from federation.messaging.probe import KIND as PROBE
from testkit.processes import ROOT, celery_beat, env_for_test_database
from tests.federation.conftest import (
    RELAY_ENV,
    SENDER_ONLY,
    message,
    probes,
    relay_worker,
    send_committed,
    token,
    wait_for_state,
)
from tests.federation.kinds import FLAKY, REQUIRES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def relay(onboarded, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("relay")
    with (
        django_db_blocker.unblock(),
        relay_worker(folder / "worker.log", "-n", "relay@%h") as worker,
        celery_beat(folder, env=RELAY_ENV) as beat,
    ):
        yield worker, beat, folder


def test_a_tenant_commit_reaches_the_region_through_the_worker(committed, relay):
    marker = token()
    message_id = send_committed(committed["kyzylzhar"], PROBE, {"token": marker}, target="public")
    row = wait_for_state(message_id, MessageState.DELIVERED)
    assert (row.delivered_via, row.outcome, row.attempts) == ("kick", Outcome.APPLIED, 1)
    (record,) = probes("public", marker)
    assert (record.source_schema, record.schema_seen) == ("kyzylzhar", "public")


def test_a_message_between_akimats_lands_only_in_the_target(committed, relay):
    marker = token()
    message_id = send_committed(
        committed["esil"], PROBE, {"token": marker}, target=committed["petropavlovsk"]
    )
    wait_for_state(message_id, MessageState.DELIVERED)
    (record,) = probes("petropavlovsk", marker)
    assert (record.source_schema, record.schema_seen) == ("esil", "petropavlovsk")
    assert probes("esil", marker) == probes("kyzylzhar", marker) == probes("public", marker) == []


def test_a_message_whose_kick_was_lost_is_delivered_by_the_sweep(committed, relay):
    marker = token()
    sender = subprocess.run(
        [sys.executable, "-m", "tests.federation.sender", "esil", "public", marker],
        cwd=ROOT,
        env={**env_for_test_database(), **RELAY_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sender.returncode == -9, sender.stderr  # killed between the commit and the kick
    message_id = uuid.UUID(sender.stdout.strip())
    row = wait_for_state(message_id, MessageState.DELIVERED)
    assert row.delivered_via == "sweep"
    assert len(probes("public", marker)) == 1


def test_status_updates_of_one_key_are_applied_in_order_through_retries(committed, relay):
    key = f"appeal:{token()[:12]}"
    first = send_committed(
        committed["esil"],
        FLAKY,
        {"token": token(), "succeed_on_attempt": 3},
        target="public",
        ordering_key=key,
    )
    later = [
        send_committed(
            committed["esil"], PROBE, {"token": token(), "value": n}, target="public", ordering_key=key
        )
        for n in (2, 3)
    ]
    rows = [wait_for_state(m, MessageState.DELIVERED) for m in [first, *later]]
    assert [r.attempts for r in rows] == [3, 1, 1]  # the later ones waited; they did not fail
    # Acknowledged in order (one batch acknowledges together: the same time); applied in order below.
    assert rows[0].delivered_at <= rows[1].delivered_at <= rows[2].delivered_at
    applied = sorted((r for r in probes_of_key("public", key)), key=lambda record: record.applied_at)
    assert [r.sequence for r in applied] == [1, 2, 3]


def probes_of_key(schema: str, key: str) -> list:
    from django_tenants.utils import schema_context

    from federation.messaging.inbox.models import ProbeRecord

    with schema_context(schema):
        return list(ProbeRecord.objects.filter(ordering_key=key))


def test_retries_back_off_and_end_in_the_dead_letters(committed, relay):
    message_id = send_committed(
        committed["petropavlovsk"],
        FLAKY,
        {"token": token(), "succeed_on_attempt": 99},
        target="public",
        max_attempts=3,
    )
    row = wait_for_state(message_id, MessageState.DEAD)
    events = list(row.events.all())
    assert [(e.event, e.attempt) for e in events] == [
        (EventKind.RETRY_SCHEDULED, 1),
        (EventKind.RETRY_SCHEDULED, 2),
        (EventKind.DEAD, 3),
    ]
    # The worker runs with a 0.3 s base: waits of at least 0.15 s, then 0.3 s (half the step is fixed).
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(events)]
    assert gaps[0] >= 0.15 and gaps[1] >= 0.3


def test_dead_letters_are_listed_and_replayed_with_the_commands(committed, relay, capsys):
    unknown = send_committed(committed["kyzylzhar"], SENDER_ONLY, {"token": token()}, target="public")
    needed, marker = token(), token()
    dependent = send_committed(
        committed["kyzylzhar"], REQUIRES, {"token": marker, "requires": needed}, target="esil"
    )
    assert (
        "no handler is registered for kind 'test.sender_only'" in wait_for_state(unknown, "dead").last_error
    )
    assert "unknown reference" in wait_for_state(dependent, "dead").last_error

    call_command("federation_status", "--dead", "--source", "kyzylzhar")
    listed = capsys.readouterr().out
    assert str(unknown) in listed and str(dependent) in listed and "unknown reference" in listed

    wait_for_state(
        send_committed(committed["kyzylzhar"], PROBE, {"token": needed}, target="esil"), "delivered"
    )
    call_command(
        "federation_replay", str(dependent), "--actor", "duty-engineer", "--reason", "reference arrived"
    )
    assert f"replayed {dependent}" in capsys.readouterr().out
    row = wait_for_state(dependent, MessageState.DELIVERED)
    assert (row.delivered_via, row.replays) == ("replay", 1)
    assert row.events.get(event=EventKind.REPLAYED).actor == "manage.py:duty-engineer"
    assert len(probes("esil", marker)) == 1
    assert message(unknown).state == MessageState.DEAD  # untouched by the other's replay


def test_the_worker_keeps_its_connection_yet_survives_losing_it(committed, relay):
    """Connections live across tasks (CELERY_DB_REUSE_MAX); a dropped one is replaced before the next task."""
    from django.db import connection

    wait_for_state(send_committed(committed["esil"], PROBE, {"token": token()}, target="public"), "delivered")
    with connection.cursor() as cursor:  # as a database restart or an idle-connection reaper would
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1  # the worker's connection was open between tasks
    marker = token()
    row = wait_for_state(
        send_committed(committed["esil"], PROBE, {"token": marker}, target="public"), "delivered"
    )
    assert row.delivered_via == "kick"  # the very next task reconnected; no retry, no sweep needed
    assert len(probes("public", marker)) == 1
