"""Prepared statements on a hot path (decision 85): inside the block a repeated statement is
prepared on the server and runs from its plan; outside it, and with the setting off, nothing is;
query logs still show every statement."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals.models import Appeal
from tenants.prepared_statements import prepared_statements
from tests.appeals.conftest import intake

MARK = "SELECT count(*) FROM appeals_appeal WHERE number > %s /* prepared-test */"


def prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall() if "prepared-test" in row[0]]


def run_mark(times: int) -> list[int]:
    counts = []
    for number in range(times):
        with connection.cursor() as cursor:
            cursor.execute(MARK, [number])
            counts.append(cursor.fetchone()[0])
    return counts


def test_a_repeated_statement_is_prepared_once_inside_the_block_and_answers_the_same(petropavlovsk):
    for _ in range(3):
        intake()
    expected = run_mark(4)
    assert prepared_here() == []  # Django's own cursors never prepare
    with prepared_statements(), CaptureQueriesContext(connection) as captured:
        assert run_mark(4) == expected
    assert len(prepared_here()) == 1
    # Prepared or not, each run is in the log with its statement.
    assert [query["sql"] for query in captured.captured_queries].count(None) == 0
    assert all("prepared-test" in query["sql"] for query in captured.captured_queries)
    # Outside the block again: client-side binding, nothing more prepared.
    assert run_mark(4) == expected and len(prepared_here()) == 1


def test_the_schema_decides_what_a_prepared_statement_reads(petropavlovsk, tenants):
    """A plan follows the search_path: the same prepared statement counts each akimat's own rows."""
    intake()
    own = Appeal.objects.count()
    with prepared_statements():
        run_mark(3)
        connection.set_tenant(tenants["esil"])
        elsewhere = run_mark(1)[0]
        connection.set_tenant(petropavlovsk)
        here = run_mark(1)[0]
    assert here == own and elsewhere != own


def test_each_schema_has_its_own_prepared_statement(petropavlovsk, tenants):
    """PostgreSQL plans a prepared statement again whenever the search_path differs from the one it
    was planned under; one statement per schema keeps each plan (decision 91)."""
    with prepared_statements():
        for _ in range(3):
            run_mark(2)
            connection.set_tenant(tenants["esil"])
            run_mark(2)
            connection.set_tenant(petropavlovsk)
    statements = sorted(prepared_here())
    assert len(statements) == 2
    assert [text.split(" */", 1)[0] for text in statements] == ["/* esil", "/* petropavlovsk"]


def test_the_setting_turns_them_off(petropavlovsk, settings):
    settings.DB_PREPARED_STATEMENTS = False
    with prepared_statements():
        run_mark(4)
    assert prepared_here() == []


@pytest.fixture(autouse=True)
def _deallocate(db: None) -> Iterator[None]:
    yield
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # psycopg sees it and forgets what it prepared
