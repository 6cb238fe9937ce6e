"""Prepared statements for a hot path (decision 85).

Django runs psycopg with client-side binding and no prepared statements, so PostgreSQL parses and
plans every statement anew: on intake that was more of the database's time than running them. Inside
`prepared_statements()` the connection binds on the server and psycopg prepares a statement the
second time the connection runs it; PostgreSQL then keeps its plan.

A plan depends on the search_path, i.e. the akimat, and PostgreSQL plans a prepared statement again
whenever the path differs from the one it was planned under (always correct, never a wrong schema's
rows): a web worker serving fourteen akimats in turn, or a drain moving between targets, planned
almost every run (pg_stat_statements under a storm: 4,526 plans in 6,010 runs of intake's outbox
insert; decision 91). So each schema gets its own prepared statement: inside the block a
statement's text begins with a comment naming the schema the connection is in (psycopg prepares by
text), and each keeps the plan of its own path.

Off with DB_PREPARED_STATEMENTS=false: a connection pooler in transaction mode that does not carry
prepared statements across its server connections would otherwise refuse them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor

# Prepared the second time a connection runs the statement: a one-off statement is not kept.
PREPARE_THRESHOLD = 1


# Prepared statements a connection keeps (psycopg's default is 100): one per statement and schema,
# and a worker may serve every akimat's intake and the relay's targets.
PREPARED_MAX = 1000


class PreparingCursor(ServerBindingCursor):
    """Django's server-binding cursor: a statement per schema (its text names the schema in a leading
    comment), and the statement it ran kept also when that ran prepared (psycopg keeps it only for
    unprepared ones), so logs and query counts still show it."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if isinstance(query, str):
            # A schema name is an identifier (django-tenants checks it): nothing in it ends a comment.
            query = f"/* {connection.schema_name} */ {query}"
        return super().execute(query, params, **kwargs)

    def _send_query_prepared(self, name: bytes, pgq: object, **kwargs: object) -> None:
        self._query = pgq
        super()._send_query_prepared(name, pgq, **kwargs)


@contextmanager
def prepared_statements() -> Iterator[None]:
    """Statements run through Django's connection inside the block are bound on the server and
    prepared once repeated. Statements must not interpolate values into their text."""
    if not getattr(settings, "DB_PREPARED_STATEMENTS", True):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory, raw.prepare_threshold = PreparingCursor, PREPARE_THRESHOLD
    raw.prepared_max = max(raw.prepared_max or 0, PREPARED_MAX)
    try:
        yield
    finally:
        raw.cursor_factory, raw.prepare_threshold = previous
