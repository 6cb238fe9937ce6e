"""Sending: a message exists only together with the committed change, stamped with its source."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context, tenant_context

from federation.messaging.errors import FederationError, OutsideTransaction
from federation.messaging.models import Message, MessageState
from federation.messaging.outbox import region, send, states_at_end
from federation.messaging.probe import KIND as PROBE
from tenants.models import Akimat
from testkit.queries import exact_queries
from tests.federation.conftest import token
from tests.federation.kinds import REGION_ONLY, STATE


def test_send_refuses_to_run_outside_a_transaction(committed):
    marker = token()
    with (
        tenant_context(committed["kyzylzhar"]),
        pytest.raises(OutsideTransaction, match=r"inside transaction\.atomic\(\)"),
    ):
        send(PROBE, {"token": marker}, target=region())
    assert not Message.objects.filter(payload__token=marker).exists()


def test_a_rolled_back_change_takes_its_message_with_it(committed):
    marker = token()
    with (
        tenant_context(committed["kyzylzhar"]),
        pytest.raises(RuntimeError, match="change failed"),
        transaction.atomic(),
    ):
        send(PROBE, {"token": marker}, target=region())
        raise RuntimeError("change failed")
    assert not Message.objects.filter(payload__token=marker).exists()


def test_the_message_is_written_to_the_public_outbox_keyed_by_the_sending_schema(tenants):
    with tenant_context(tenants["esil"]):
        message_id = send(PROBE, {"token": "t1", "value": {"status": "new"}}, target=tenants["kyzylzhar"])
    with schema_context("public"):
        row = Message.objects.get(pk=message_id)
    assert (row.source_schema, row.target_schema) == ("esil", "kyzylzhar")
    assert row.state == MessageState.PENDING and row.attempts == 0
    assert row.schema_version == 1 and row.payload == {"token": "t1", "value": {"status": "new"}}
    assert row.ordering_key is None and row.sequence is None
    # The table lives in public only: the tenant schema has no outbox of its own.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'federation_message'"
        )
        assert [r[0] for r in cursor.fetchall()] == ["public"]


def test_the_kick_waits_for_the_commit_once_per_transaction_and_target(
    tenants, django_capture_on_commit_callbacks
):
    with tenant_context(tenants["esil"]), django_capture_on_commit_callbacks() as callbacks:
        send(PROBE, {"token": "t"}, target=region())
        send(PROBE, {"token": "u"}, target=region())
        send(PROBE, {"token": "v"}, target="kyzylzhar")
    # One callback for the transaction; it will kick each target's drain once.
    (kicks,) = callbacks
    assert list(kicks.targets) == [("public", "default"), ("kyzylzhar", "default")]


def test_sequences_follow_the_order_of_sends_per_source_and_key(tenants):
    def send_from(slug: str, key: str) -> int:
        with tenant_context(tenants[slug]):
            return Message.objects.get(
                pk=send(PROBE, {"token": "t"}, target=region(), ordering_key=key)
            ).sequence

    # Keys of this test's own: the counters outlive a test (receivers remember the last sequence of
    # each key for the whole run), and a test that committed before may have used "appeal:1".
    first, second = (f"appeal:{uuid.uuid4().int % 10**9}" for _ in range(2))
    assert [send_from("esil", first) for _ in range(3)] == [1, 2, 3]
    assert send_from("esil", second) == 1  # another key counts on its own
    assert send_from("kyzylzhar", first) == 1  # so does another source
    assert send_from("esil", first) == 4


@pytest.mark.parametrize(
    ("kind", "payload", "target", "options", "field", "code"),
    [
        ("test.nobody_handles", {"token": "t"}, "public", {}, "kind", "unknown_kind"),
        (PROBE, {"value": 1}, "public", {}, "payload", "invalid"),
        (PROBE, {"token": 5}, "public", {}, "payload", "invalid"),
        (PROBE, {"token": "t", "at": object()}, "public", {}, "payload", "not_json"),
        (PROBE, {"token": "t", "x": float("nan")}, "public", {}, "payload", "not_json"),
        (PROBE, ["token"], "public", {}, "payload", "invalid"),
        (PROBE, {"token": "t"}, "nowhere", {}, "target", "unknown_target"),
        (PROBE, {"token": "t"}, "esil", {}, "target", "same_as_source"),
        (REGION_ONLY, {"token": "t"}, "kyzylzhar", {}, "target", "not_accepted"),
        (PROBE, {"token": "t"}, "public", {"ordering_key": "has space"}, "ordering_key", "invalid"),
        (PROBE, {"token": "t"}, "public", {"ordering_key": ""}, "ordering_key", "invalid"),
        (PROBE, {"token": "t"}, "public", {"schema_version": 2}, "payload", "invalid"),
        (PROBE, {"token": "t"}, "public", {"max_attempts": 0}, "max_attempts", "invalid"),
    ],
)
def test_a_message_the_receiver_could_never_apply_is_refused_with_field_and_code(
    tenants, kind, payload, target, options, field, code
):
    before = Message.objects.count()
    with tenant_context(tenants["esil"]), pytest.raises(FederationError) as refused:
        send(kind, payload, target=target, **options)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert refused.value.message
    assert Message.objects.count() == before


def test_a_deactivated_akimat_is_refused_as_target(tenants):
    send(PROBE, {"token": "t"}, target="kyzylzhar")  # the registry is now cached in this process
    # Saved as deactivation saves it (its signal clears the cache; other processes within seconds).
    kyzylzhar = Akimat.objects.get(slug="kyzylzhar")
    kyzylzhar.is_active = False
    kyzylzhar.save(update_fields=["is_active"])
    with tenant_context(tenants["esil"]), pytest.raises(FederationError) as refused:
        send(PROBE, {"token": "t"}, target="kyzylzhar")
    assert refused.value.code == "inactive"


def test_a_schema_that_is_no_registered_akimat_cannot_send(tenants):
    with schema_context("tenant_template"), pytest.raises(FederationError) as refused:
        send(PROBE, {"token": "t"}, target="public")
    assert (refused.value.field, refused.value.code) == ("source", "unknown_source")


def test_the_region_sends_to_an_akimat(tenants):
    message_id = send(PROBE, {"token": "t"}, target=tenants["esil"])
    row = Message.objects.get(pk=message_id)
    assert (row.source_schema, row.target_schema) == ("public", "esil")


def test_send_costs_a_fixed_number_of_queries(tenants):
    with tenant_context(tenants["esil"]):
        send(PROBE, {"token": "warm"}, target=region())  # first use may load content types etc.
        # the insert alone (the registry is cached); a keyed message takes its sequence in the same
        # statement.
        with exact_queries(1):
            send(PROBE, {"token": "t"}, target=region())
        with exact_queries(1):
            send(PROBE, {"token": "t"}, target=region(), ordering_key="appeal:7")


def _states(key: str) -> list[Message]:
    with schema_context("public"):
        return list(Message.objects.filter(kind=STATE, ordering_key=key).order_by("sequence"))


def test_a_newer_state_in_the_same_transaction_replaces_the_one_not_yet_committed(committed):
    key = f"appeal:{token()}"
    with tenant_context(committed["kyzylzhar"]), transaction.atomic():
        first = send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=key)
        with exact_queries(1):  # one UPDATE of the waiting row, no new sequence
            again = send(STATE, {"token": token(), "version": 2}, target=region(), ordering_key=key)
        with transaction.atomic():  # deeper in the same transaction: still the same row
            send(STATE, {"token": token(), "version": 3}, target=region(), ordering_key=key)
        # Another key, another kind or another target: messages of their own.
        send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=f"{key}x")
        send(PROBE, {"token": token()}, target=region(), ordering_key=key)
    assert first == again
    rows = _states(key)
    assert [(row.id, row.payload["version"]) for row in rows] == [(first, 3)]
    assert len(_states(f"{key}x")) == 1
    with schema_context("public"):
        assert Message.objects.filter(kind=PROBE, ordering_key=key).count() == 1


def test_states_of_separate_transactions_stay_separate_messages(committed):
    key = f"appeal:{token()}"
    with tenant_context(committed["kyzylzhar"]):
        for version in (1, 2):
            with transaction.atomic():
                send(STATE, {"token": token(), "version": version}, target=region(), ordering_key=key)
    assert [(row.payload["version"], row.sequence) for row in _states(key)] == [(1, 1), (2, 2)]


def test_a_rolled_back_savepoint_never_takes_the_committed_state_with_it(committed):
    key = f"appeal:{token()}"
    with tenant_context(committed["kyzylzhar"]), transaction.atomic():
        send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=key)
        with pytest.raises(RuntimeError), transaction.atomic():
            send(STATE, {"token": token(), "version": 2}, target=region(), ordering_key=key)
            raise RuntimeError("this change is undone")
        # The first state stands; a state first sent in a savepoint that rolls back is gone, and a
        # later one gets a row of its own.
        other = f"{key}y"
        with pytest.raises(RuntimeError), transaction.atomic():
            send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=other)
            raise RuntimeError("undone too")
        send(STATE, {"token": token(), "version": 4}, target=region(), ordering_key=other)
    assert [row.payload["version"] for row in _states(key)] == [1]
    assert [row.payload["version"] for row in _states(other)] == [4]


def test_states_kept_in_a_block_are_written_once_when_it_ends(committed):
    key = f"appeal:{token()}"
    with tenant_context(committed["kyzylzhar"]), transaction.atomic():
        send(PROBE, {"token": token()}, target=region())  # the registry read, the search_path set
        # One INSERT as the block ends (with its key's sequence), no UPDATE.
        with exact_queries(1), states_at_end():
            first = send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=key)
            again = send(STATE, {"token": token(), "version": 2}, target=region(), ordering_key=key)
    assert first == again
    assert [(row.id, row.payload["version"], row.sequence) for row in _states(key)] == [(first, 2, 1)]


def test_another_message_or_a_savepoint_writes_what_was_kept_first(committed):
    key, other = f"appeal:{token()}", f"appeal:{token()}"
    with tenant_context(committed["kyzylzhar"]), transaction.atomic(), states_at_end():
        send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=key)
        send(PROBE, {"token": token()}, target=region(), ordering_key=key)  # the state goes first
        send(STATE, {"token": token(), "version": 2}, target=region(), ordering_key=key)  # in its place
        send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=other)
        with pytest.raises(RuntimeError), transaction.atomic():
            # The savepoint wrote the other key's kept state before it opened: its rollback takes
            # only what was sent under it.
            send(STATE, {"token": token(), "version": 2}, target=region(), ordering_key=other)
            send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=f"{other}z")
            raise RuntimeError("this change is undone")
    with schema_context("public"):
        rows = list(Message.objects.filter(ordering_key=key).order_by("sequence"))
    assert [(row.kind, row.sequence) for row in rows] == [(STATE, 1), (PROBE, 2)]
    assert rows[0].payload["version"] == 2
    assert [(row.payload["version"], row.sequence) for row in _states(other)] == [(1, 1)]
    assert not _states(f"{other}z")


def test_a_block_raised_out_of_still_writes_its_states_for_a_caller_that_commits(committed):
    key = f"appeal:{token()}"
    # pytest.raises catches it inside the transaction, which commits.
    with (
        tenant_context(committed["kyzylzhar"]),
        transaction.atomic(),
        pytest.raises(ValueError),
        states_at_end(),
    ):
        send(STATE, {"token": token(), "version": 1}, target=region(), ordering_key=key)
        raise ValueError("raised out of the block")
    assert [row.payload["version"] for row in _states(key)] == [1]
