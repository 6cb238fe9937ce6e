"""Exact SQL query counts: a test states how many queries a piece of work costs, not a ceiling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.test.utils import CaptureQueriesContext


def sql_list(captured: CaptureQueriesContext) -> str:
    """The captured statements, numbered, one per line (for a failure message)."""
    return "\n".join(f"{index}. {query['sql']}" for index, query in enumerate(captured.captured_queries, 1))


@contextmanager
def exact_queries(expected: int, *, using: str = "default") -> Iterator[CaptureQueriesContext]:
    """Fail unless the block runs exactly `expected` SQL queries on the connection `using`; the
    failure lists every statement. Yields the capture (its `captured_queries` for finer checks)."""
    with CaptureQueriesContext(connections[using]) as captured:
        yield captured
    count = len(captured.captured_queries)
    assert count == expected, f"expected {expected} queries, ran {count}:\n{sql_list(captured)}"
