"""testkit.queries: exact_queries passes on the exact count only and lists the SQL when it fails."""

from __future__ import annotations

import pytest
from django.db import connection

from testkit.queries import exact_queries


def select(*values: int) -> None:
    with connection.cursor() as cursor:
        for value in values:
            cursor.execute("SELECT %s", [value])


def test_the_exact_count_passes(db):
    select(0)  # the connection's own first statements (search path) are not the block's
    with exact_queries(2) as captured:
        select(41, 42)
    assert [query["sql"] for query in captured.captured_queries] == ["SELECT 41", "SELECT 42"]


@pytest.mark.parametrize("expected", [1, 3])
def test_any_other_count_fails_with_the_statements(db, expected):
    select(0)
    with pytest.raises(AssertionError) as caught, exact_queries(expected):
        select(41, 42)
    assert f"expected {expected} queries, ran 2:\n1. SELECT 41\n2. SELECT 42" == str(caught.value)
