"""`appeals(changedSince:)`: the appeals of an akimat in the order they changed, each once at its
latest change, paged by a cursor that never skips a change committed late."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.models import Appeal, AppealChangeMark, AppealEvent
from appeals.reads.changes import Position, changed_since, position_of
from testkit.graphql import data_of, gql, refusal
from testkit.queries import exact_queries
from tests.appeals.conftest import EXECUTOR, OPERATOR, intake

FEED = """query ($since: String!, $first: Int) {
  appeals(changedSince: $since, first: $first) {
    edges { cursor node { number status } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def feed(client, since: str = "", first: int = 20) -> tuple[list[tuple[int, str]], str | None, bool]:
    page = data_of(gql(client, FEED, {"since": since, "first": first}))["appeals"]
    rows = [(edge["node"]["number"], edge["node"]["status"]) for edge in page["edges"]]
    return rows, page["pageInfo"]["endCursor"], page["pageInfo"]["hasNextPage"]


def test_every_event_marks_its_appeal_in_the_same_statement(petropavlovsk):
    appeal = intake()
    mark = AppealChangeMark.objects.get(appeal=appeal)
    created = AppealEvent.objects.filter(appeal=appeal).latest("id")
    assert mark.last_event_id == created.pk and mark.changed_at == created.at
    actions.register_appeal(OPERATOR, appeal.number, assign=True)
    mark.refresh_from_db()
    assert mark.last_event_id == AppealEvent.objects.filter(appeal=appeal).latest("id").pk
    # A full save of the appeal (as some actions do) leaves the mark alone.
    Appeal.objects.get(pk=appeal.pk).save()
    assert AppealChangeMark.objects.get(appeal=appeal).last_event_id == mark.last_event_id


def test_pages_follow_the_feed_and_the_last_cursor_is_the_end(petropavlovsk, operator_client):
    first, second, third = intake(), intake(), intake()
    rows, cursor, more = feed(operator_client, first=2)
    assert [n for n, _ in rows] == [first.number, second.number] and more
    rows, cursor, more = feed(operator_client, cursor)
    assert [n for n, _ in rows] == [third.number] and not more
    assert feed(operator_client, cursor) == ([], None, False)


# ------------------------------------------------------------------ committed changes
SCRATCH_POINT = (69.05, 54.05)


def numbers_after(position: Position | None) -> tuple[list[int], Position | None]:
    """The feed from `position` to its end (as an integrator's catch-up loop reads it)."""
    numbers = []
    while True:
        rows = list(changed_since(Appeal.objects.all(), position)[:2])
        if not rows:
            return numbers, position
        numbers += [row.number for row in rows]
        position = position_of(rows[-1])


def test_a_change_moves_its_appeal_to_the_end_once(scratch_tenant, django_db_blocker):
    with django_db_blocker.unblock(), tenant_context(scratch_tenant):
        _, start = numbers_after(None)
        first, second = intake(location=SCRATCH_POINT), intake(location=SCRATCH_POINT)
        seen, position = numbers_after(start)
        assert seen == [first.number, second.number]
        actions.register_appeal(OPERATOR, first.number, assign=True)
        actions.start_work(EXECUTOR, first.number)
        assert numbers_after(position)[0] == [first.number]


def test_a_change_that_commits_late_is_not_skipped(scratch_tenant, django_db_blocker):
    """A writes first and commits last: the feed holds B back until A has ended, then gives both."""
    written, release = threading.Event(), threading.Event()
    late: list[int] = []

    def slow_writer() -> None:
        try:
            with tenant_context(scratch_tenant), transaction.atomic():
                late.append(intake(location=SCRATCH_POINT).number)
                written.set()
                assert release.wait(timeout=30)
        finally:
            connections.close_all()

    with django_db_blocker.unblock(), tenant_context(scratch_tenant):
        _, start = numbers_after(None)
        thread = threading.Thread(target=slow_writer, daemon=True)
        thread.start()
        try:
            assert written.wait(timeout=30)
            quick = intake(location=SCRATCH_POINT)  # a later transaction, committed first
            seen, position = numbers_after(start)
            assert seen == []  # not yet: an earlier transaction may still commit below it
        finally:
            release.set()
            thread.join(timeout=30)
        assert numbers_after(position) == ([late[0], quick.number], numbers_after(position)[1])


def test_a_time_with_offset_starts_a_first_sync(petropavlovsk, operator_client):
    appeal = intake()
    at = AppealChangeMark.objects.get(appeal=appeal).changed_at
    rows, _, _ = feed(operator_client, at.isoformat())
    assert [n for n, _ in rows] == [appeal.number]
    later = at.replace(year=at.year + 1)
    assert feed(operator_client, later.isoformat())[0] == []


@pytest.mark.parametrize(
    ("since", "code"),
    [
        ("c1.bm90LWEtY3Vyc29y", "invalid_cursor"),
        ("c1.!!!", "invalid_cursor"),
        ("c1.LTEuMQ", "invalid_cursor"),  # "-1.1"
        ("yesterday", "invalid_cursor"),
        ("2026-12-01T10:00:00", "timestamp_without_offset"),
    ],
)
def test_what_is_no_position_is_refused(petropavlovsk, operator_client, since, code):
    refusal(gql(operator_client, FEED, {"since": since}), code, "changedSince")


def test_the_feed_takes_neither_after_nor_an_order(petropavlovsk, operator_client):
    query = 'query ($a: String) { appeals(changedSince: "", after: $a) { edges { cursor } } }'
    said = refusal(
        gql(operator_client, query, {"a": "x"}, HTTP_ACCEPT_LANGUAGE="ru"), "not_with_changed_since", "after"
    )["message"]
    assert said.startswith("changedSince листает по своему курсору: передайте endCursor страницы")
    query = '{ appeals(changedSince: "", orderBy: NUMBER_ASC) { edges { cursor } } }'
    said = refusal(
        gql(operator_client, query, HTTP_ACCEPT_LANGUAGE="kk"), "not_with_changed_since", "orderBy"
    )["message"]
    assert said == "changedSince өтініштерді өзгерген ретімен береді: orderBy қабылданбайды."


def test_a_page_costs_a_fixed_number_of_queries_and_walks_the_feed_index(petropavlovsk, operator_client):
    for _ in range(3):
        intake()
    gql(operator_client, "{ akimat { slug } }")  # warms the host map
    with exact_queries(4):  # the session, the user, its groups (roles), the page
        feed(operator_client)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        query = changed_since(Appeal.objects.all(), Position(1, 1))[:10]
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "appeal_change_feed_idx" in plan, plan
