"""The tallies recomputed from the fact rows in SQL: to repair them, to check them, and to build them for
rows loaded in bulk (bench/regional_read_model.py). The same definitions as regional.tallies: the
checks in tests/regional compare both."""

from __future__ import annotations

from django.db import connection, transaction

from appeals import kpi_definitions as rules
from appeals.states import ACTIVE_STATUSES, Status
from regional.histogram import COLUMNS, EDGES_SECONDS
from regional.models import ALL

_BUCKETS = ", ".join(
    f"count(*) FILTER (WHERE bucket = {index})::int AS {column}" for index, column in enumerate(COLUMNS)
)

# Every fact's contributions (as regional.tallies._daily; the rules are appeals.kpi_definitions), in
# the akimat's scope and the region's, for its category and for all categories.
DAILY_SQL = f"""
WITH parts AS (
    SELECT schema, category, (received_at AT TIME ZONE 'Asia/Almaty')::date AS day,
           1 AS received, is_repeat::int AS repeats, 0 AS resolved, 0 AS on_time, 0 AS closed,
           NULL::int AS bucket
      FROM regional_appealfact WHERE status <> ALL(%(not_received)s)
    UNION ALL
    SELECT schema, category, (resolved_at AT TIME ZONE 'Asia/Almaty')::date,
           0, 0, 1, (resolved_at <= deadline)::int, 0, NULL
      FROM regional_appealfact
     WHERE resolved_at IS NOT NULL AND deadline IS NOT NULL AND status <> ALL(%(not_answered)s)
    UNION ALL
    SELECT schema, category, (closed_at AT TIME ZONE 'Asia/Almaty')::date, 0, 0, 0, 0, 1,
           width_bucket(extract(epoch FROM closed_at - received_at)::float8, %(edges)s::float8[])
      FROM regional_appealfact WHERE closed_at IS NOT NULL AND status = %(closed)s
)
SELECT s.scope, c.category, p.day, sum(p.received)::int AS received, sum(p.repeats)::int AS repeats,
       sum(p.resolved)::int AS resolved, sum(p.on_time)::int AS resolved_on_time,
       sum(p.closed)::int AS closed, {_BUCKETS}
  FROM parts AS p
 CROSS JOIN LATERAL (VALUES (p.schema), (%(all)s)) AS s(scope)
 CROSS JOIN LATERAL (VALUES (p.category), (%(all)s)) AS c(category)
 GROUP BY s.scope, c.category, p.day
"""  # noqa: S608 (fixed column names)

STATUS_SQL = """
SELECT s.scope, c.category, f.status, count(*)::int AS count,
       (count(*) FILTER (WHERE f.status = ANY(%(active)s) AND f.overdue_at IS NOT NULL))::int AS overdue
  FROM regional_appealfact AS f
 CROSS JOIN LATERAL (VALUES (f.schema), (%(all)s)) AS s(scope)
 CROSS JOIN LATERAL (VALUES (f.category), (%(all)s)) AS c(category)
 GROUP BY s.scope, c.category, f.status
"""

DAILY_COLUMNS = (
    "scope",
    "category",
    "day",
    "received",
    "repeats",
    "resolved",
    "resolved_on_time",
    "closed",
    *COLUMNS,
)
STATUS_COLUMNS = ("scope", "category", "status", "count", "overdue")


def _params() -> dict[str, object]:
    return {
        "not_received": sorted(rules.NOT_RECEIVED),
        "not_answered": sorted(rules.NOT_ANSWERED),
        "closed": Status.CLOSED.value,
        "edges": list(EDGES_SECONDS),
        "all": ALL,
        "active": sorted(ACTIVE_STATUSES),
    }


def rebuild_tallies() -> tuple[int, int]:
    """Replace both tallies with what the facts say; (status rows, daily rows). Fact writers wait."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE regional_appealfact IN SHARE MODE")
        cursor.execute("DELETE FROM regional_statuscount")
        cursor.execute("DELETE FROM regional_dailytally")
        cursor.execute(
            f"INSERT INTO regional_statuscount ({', '.join(STATUS_COLUMNS)}) {STATUS_SQL}",
            _params(),
        )
        status_rows = cursor.rowcount
        cursor.execute(
            f"INSERT INTO regional_dailytally ({', '.join(DAILY_COLUMNS)}) {DAILY_SQL}",
            _params(),
        )
        return status_rows, cursor.rowcount


def differences(limit: int = 20) -> list[str]:
    """Where the kept tallies differ from the facts (empty when they agree); zero rows are ignored."""
    found: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE regional_appealfact IN SHARE MODE")
        for table, columns, sql, keys in (
            ("regional_statuscount", STATUS_COLUMNS, STATUS_SQL, 3),
            ("regional_dailytally", DAILY_COLUMNS, DAILY_SQL, 3),
        ):
            counters = columns[keys:]
            nonzero = " OR ".join(f"{name} <> 0" for name in counters)
            listed = ", ".join(columns)
            cursor.execute(
                f"(SELECT {listed} FROM {table} WHERE {nonzero} EXCEPT SELECT {listed} FROM ({sql}) AS r) "  # noqa: S608
                f"UNION ALL (SELECT {listed} FROM ({sql}) AS r EXCEPT SELECT {listed} FROM {table}) "
                f"LIMIT %(limit)s",
                {**_params(), "limit": limit},
            )
            found += [
                f"{table}: {row[:keys]} {dict(zip(counters, row[keys:], strict=True))}" for row in cursor
            ]
    return found
