"""federation_status and federation_replay: what an operator sees and can do from the shell."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation.messaging.models import Message, MessageState
from federation.messaging.outbox import send
from federation.messaging.probe import KIND as PROBE


def sent(tenant: object, **changes: object) -> Message:
    with tenant_context(tenant):
        message_id = send(PROBE, {"token": "t"}, target="public")
    Message.objects.filter(pk=message_id).update(**changes)
    return Message.objects.get(pk=message_id)


def status_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    call_command("federation_status", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_status_counts_every_state_and_times_deliveries(tenants, capsys):
    before = status_json(capsys)["states"]
    now = timezone.now()
    sent(tenants["esil"])
    sent(tenants["esil"], state=MessageState.RETRYING, attempts=2, last_error="ConnectionError: x")
    sent(tenants["esil"], state=MessageState.DEAD, attempts=1, last_error="PermanentError: y", dead_at=now)
    for ms in (100, 300):
        sent(
            tenants["kyzylzhar"],
            state=MessageState.DELIVERED,
            attempts=1,
            created_at=now - timedelta(milliseconds=ms),
            delivered_at=now,
            handler_ms=1.5,
        )
    # Closed by the relay in favour of a newer state of its key: counted apart.
    sent(tenants["kyzylzhar"], state=MessageState.DELIVERED, outcome="superseded", delivered_at=now)
    data = status_json(capsys)
    states = data["states"]
    assert set(states) == {"pending", "delivering", "delivered", "retrying", "dead"}
    for state, added in (("pending", 1), ("retrying", 1), ("dead", 1), ("delivered", 3)):
        assert states[state] - before[state] == added
    assert data["kinds"][PROBE]["dead"] >= 1
    assert data["due_now"] >= 2 and data["oldest_open_seconds"] is not None
    timing = data["delivered_in_window"]
    assert timing["count"] >= 3 and timing["latency_p99_ms"] >= 100 and timing["superseded"] >= 1
    assert any(d["error"] == "PermanentError: y" for d in data["dead_letters"])

    call_command("federation_status")
    text = capsys.readouterr().out
    assert "dead letter(s)" in text and "retrying" in text and "p50" in text and "superseded" in text


def test_status_lists_dead_letters_with_filters(tenants, capsys):
    esil = sent(
        tenants["esil"],
        state=MessageState.DEAD,
        last_error="PermanentError: from esil",
        dead_at=timezone.now(),
    )
    kyzylzhar = sent(
        tenants["kyzylzhar"],
        state=MessageState.DEAD,
        last_error="PermanentError: from kyz",
        dead_at=timezone.now(),
    )
    capsys.readouterr()
    call_command("federation_status", "--dead", "--source", "esil")
    out = capsys.readouterr().out
    assert str(esil.pk) in out and "from esil" in out and str(kyzylzhar.pk) not in out


def test_replay_command_requeues_dead_ones_and_names_what_it_refused(tenants, capsys):
    dead = sent(tenants["esil"], state=MessageState.DEAD, attempts=3, last_error="x")
    delivered = sent(tenants["esil"], state=MessageState.DELIVERED)
    call_command("federation_replay", str(dead.pk), str(delivered.pk), "--actor", "ops")
    captured = capsys.readouterr()
    assert f"replayed {dead.pk}" in captured.out and "1 replayed, 1 refused" in captured.out
    assert f"refused {delivered.pk}: not dead (state: delivered)" in captured.err
    dead.refresh_from_db()
    assert (dead.state, dead.attempts) == (MessageState.PENDING, 0)


def test_replay_all_dead_of_one_kind(tenants, capsys):
    first = sent(tenants["esil"], state=MessageState.DEAD)
    second = sent(tenants["kyzylzhar"], state=MessageState.DEAD)
    call_command("federation_replay", "--all-dead", "--kind", PROBE, "--actor", "ops")
    assert {m.state for m in Message.objects.filter(pk__in=[first.pk, second.pk])} == {MessageState.PENDING}


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((), "give message ids, or --all-dead"),
        (("--kind", PROBE), "add --all-dead"),
        (("not-an-id",), "nothing"),
    ],
)
def test_replay_command_explains_bad_input(tenants, args, error):
    with pytest.raises(CommandError, match=error):
        call_command("federation_replay", *args)
