"""The event log is append-only in the database itself, in every tenant (also a fresh clone), and
listeners registered by other apps run inside the transaction of the change."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.errors import AppealError
from appeals.events import register_listener, unregister_listener
from appeals.models import Appeal, AppealEvent, Notification
from tests.appeals.conftest import EXECUTOR, OPERATOR, appeal_in, intake

SCRATCH_POINT = (69.05, 54.05)


def refuses(sql: str, params: list) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(caught.value)


def test_events_cannot_be_updated_or_deleted(petropavlovsk):
    appeal = appeal_in("assigned")
    event = appeal.events.first()

    assert "Cannot update or delete" in refuses(
        "UPDATE appeals_appealevent SET comment = 'edited' WHERE id = %s", [event.pk]
    )
    assert "Cannot update or delete" in refuses("DELETE FROM appeals_appealevent WHERE id = %s", [event.pk])
    # Through the ORM too.
    with pytest.raises(DatabaseError), transaction.atomic():
        AppealEvent.objects.filter(pk=event.pk).update(comment="edited")
    event.refresh_from_db()
    assert event.comment == ""


def test_a_freshly_cloned_tenant_refuses_too(db, scratch_tenant):
    """The trigger lives in the migrations, so the template carries it into every clone."""
    with tenant_context(scratch_tenant), transaction.atomic():
        appeal = intake(category="heating", location=SCRATCH_POINT)
        event = appeal.events.get()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'appeals_scratch' AND c.relname = 'appeals_appealevent' "
                "AND NOT t.tgisinternal"
            )
            assert cursor.fetchone()[0] >= 1
        assert "Cannot update or delete" in refuses(
            "UPDATE appeals_appealevent SET comment = 'x' WHERE id = %s", [event.pk]
        )
        assert "Cannot update or delete" in refuses(
            "DELETE FROM appeals_appealevent WHERE id = %s", [event.pk]
        )
        transaction.set_rollback(True)


def number_sequence_schema(schema: str) -> str:
    """The schema of the sequence the number column's default draws from."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_attrdef a JOIN pg_depend d ON d.objid = a.oid "
            "AND d.classid = 'pg_attrdef'::regclass "
            "JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' "
            "JOIN pg_namespace n ON n.oid = s.relnamespace "
            "WHERE a.adrelid = %s::regclass",
            [f"{schema}.appeals_appeal"],
        )
        return cursor.fetchone()[0]


def test_appeal_numbers_come_from_each_tenants_own_sequence(tenants, scratch_tenant):
    assert number_sequence_schema("petropavlovsk") == "petropavlovsk"
    assert number_sequence_schema("appeals_scratch") == "appeals_scratch"
    with tenant_context(tenants["petropavlovsk"]):
        one, two = intake(), intake()
        assert two.number == one.number + 1
    with tenant_context(scratch_tenant), transaction.atomic():
        first = intake(location=SCRATCH_POINT)
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM appeals_scratch.appeals_appeal_number_seq")
            assert cursor.fetchone()[0] == first.number
            cursor.execute("SELECT is_called FROM tenant_template.appeals_appeal_number_seq")
            assert cursor.fetchone()[0] is False  # the template never hands out numbers
        transaction.set_rollback(True)


def test_listener_runs_inside_the_transaction_and_can_roll_it_back(petropavlovsk):
    seen: list[tuple[int, str, bool]] = []

    def listener(appeal: Appeal, event: AppealEvent) -> None:
        seen.append((appeal.number, event.kind, connection.in_atomic_block))
        # A listener writes its own row in the same transaction (as a federation outbox would).
        Notification.objects.create(kind="assigned", appeal=appeal, text_kk="outbox", text_ru="outbox")

    register_listener(listener)
    try:
        appeal = intake(register=True)
    finally:
        unregister_listener(listener)
    assert [(n, kind) for n, kind, _ in seen] == [(appeal.number, "created"), (appeal.number, "transition")]
    assert all(inside for *_, inside in seen)
    assert Notification.objects.filter(appeal=appeal, text_ru="outbox").count() == 2


def test_a_failing_listener_rolls_the_change_back(petropavlovsk):
    appeal = appeal_in("assigned")

    def broken(appeal: Appeal, event: AppealEvent) -> None:
        raise RuntimeError("outbox unavailable")

    register_listener(broken)
    try:
        with pytest.raises(RuntimeError, match="outbox unavailable"):
            actions.start_work(EXECUTOR, appeal.number)
    finally:
        unregister_listener(broken)
    appeal.refresh_from_db()
    assert appeal.status == "assigned"
    assert not appeal.events.filter(transition="start_work").exists()


def test_unknown_appeal_number_is_a_clear_error(petropavlovsk):
    with pytest.raises(AppealError) as caught:
        actions.start_work(OPERATOR, 987654321)
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == ("number", "not_found")
