"""Applying appeal states to the read model: the fact rows and their tallies, in one transaction.

Runs inside the federation delivery's transaction in the public schema (or a rebuild's), so the
receipt, the facts and the tallies commit together. A state is applied only when its version is
higher than the fact's: duplicates and older states change nothing, in any order of arrival.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

from django.db import connection, transaction

from regional.tallies import DAILY_COUNTERS, STATUS_COUNTERS, Changes, Fact, changes

# (column, PostgreSQL type) of the fact rows, in the order of the payload's fields.
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "bigint"),
    ("version", "bigint"),
    ("category", "text"),
    ("status", "text"),
    ("priority", "text"),
    ("channel", "text"),
    ("received_at", "timestamptz"),
    ("resolved_at", "timestamptz"),
    ("closed_at", "timestamptz"),
    ("deadline", "timestamptz"),
    ("overdue_at", "timestamptz"),
    ("escalated_at", "timestamptz"),
    ("is_repeat", "boolean"),
    ("repeat_count", "integer"),
    ("reopen_count", "integer"),
    ("transferred_to", "text"),
    ("transferred_from", "text"),
    ("origin_number", "bigint"),
    ("regional_escalation", "text"),
)
TIMES = {name for name, kind in FACT_COLUMNS if kind == "timestamptz"}
OLD_COLUMNS = (
    "number",
    "version",
    "category",
    "status",
    "received_at",
    "resolved_at",
    "closed_at",
    "deadline",
    "overdue_at",
    "is_repeat",
)


def _row(state: dict[str, Any]) -> dict[str, Any]:
    row = {}
    for name, _kind in FACT_COLUMNS:
        value = state["category"]["code"] if name == "category" and state["category"] else state.get(name)
        if name == "category" and value is None:
            value = ""
        if name in TIMES and value is not None:
            value = datetime.datetime.fromisoformat(value)
        row[name] = value
    return row


def _fact(row: dict[str, Any]) -> Fact:
    return Fact(
        category=row["category"],
        status=row["status"],
        received_at=row["received_at"],
        resolved_at=row["resolved_at"],
        closed_at=row["closed_at"],
        deadline=row["deadline"],
        overdue_at=row["overdue_at"],
        is_repeat=row["is_repeat"],
    )


def apply_states(schema: str, states: list[dict[str, Any]]) -> int:
    """Apply one akimat's appeal states (as `appeals.status` carries them); the number applied."""
    if not connection.in_atomic_block:
        raise RuntimeError("apply_states runs inside the delivery's (or the rebuild's) transaction")
    newest: dict[int, dict[str, Any]] = {}
    for state in states:
        seen = newest.get(state["number"])
        if seen is None or state["version"] > seen["version"]:
            newest[state["number"]] = state
    numbers = sorted(newest)
    with connection.cursor() as cursor:
        # Concurrent deliveries for one appeal (a rebuild and a live message) take turns here, so
        # each computes its tally change from the state the other committed. Sorted: no deadlock.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s), (n %% 2147483647)::int) "
            "FROM (SELECT n FROM unnest(%s::bigint[]) AS n ORDER BY n) AS numbers",
            [schema, numbers],
        )
        cursor.execute(
            f"SELECT {', '.join(OLD_COLUMNS)} FROM regional_appealfact "  # noqa: S608 (fixed names)
            "WHERE schema = %s AND number = ANY(%s)",
            [schema, numbers],
        )
        old = {row[0]: dict(zip(OLD_COLUMNS, row, strict=True)) for row in cursor.fetchall()}
        rows = [
            _row(state)
            for number, state in sorted(newest.items())
            if number not in old or state["version"] > old[number]["version"]
        ]
        if not rows:
            return 0
        _upsert_facts(cursor, schema, rows)
        pairs = [(_fact(old[r["number"]]) if r["number"] in old else None, _fact(r)) for r in rows]
        _apply_changes(cursor, changes(schema, pairs))
        _remember_labels(cursor, [state["category"] for state in newest.values() if state["category"]])
    return len(rows)


def _upsert_facts(cursor: Any, schema: str, rows: list[dict[str, Any]]) -> None:
    names = [name for name, _ in FACT_COLUMNS]
    arrays = ", ".join(f"%s::{kind}[]" for _, kind in FACT_COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names if name != "number")
    cursor.execute(
        f"INSERT INTO regional_appealfact AS f (schema, {', '.join(names)}, updated_at) "  # noqa: S608
        f"SELECT %s, u.*, clock_timestamp() FROM unnest({arrays}) AS u({', '.join(names)}) "
        f"ON CONFLICT (schema, number) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at "
        "WHERE f.version < EXCLUDED.version",
        [schema, *([row[name] for row in rows] for name in names)],
    )


def _upsert_counters(
    cursor: Any, table: str, keys: tuple[tuple[str, str], ...], counters: tuple[str, ...], cells: dict
) -> None:
    if not cells:
        return
    ordered = sorted(cells.items(), key=lambda item: tuple(str(part) for part in item[0]))
    columns = [name for name, _ in keys] + list(counters)
    arrays = [f"%s::{kind}[]" for _, kind in keys] + ["%s::int[]"] * len(counters)
    values: list[list[Any]] = [[key[i] for key, _ in ordered] for i in range(len(keys))]
    values += [[cell.get(name, 0) for _, cell in ordered] for name in counters]
    conflict = ", ".join(name for name, _ in keys)
    updates = ", ".join(f"{name} = t.{name} + EXCLUDED.{name}" for name in counters)
    cursor.execute(
        f"INSERT INTO {table} AS t ({', '.join(columns)}) "  # noqa: S608 (fixed names)
        f"SELECT * FROM unnest({', '.join(arrays)}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
        values,
    )


STATUS_KEYS = (("scope", "text"), ("category", "text"), ("status", "text"))
DAILY_KEYS = (("scope", "text"), ("category", "text"), ("day", "date"))


def _apply_changes(cursor: Any, change: Changes) -> None:
    _upsert_counters(cursor, "regional_statuscount", STATUS_KEYS, STATUS_COUNTERS, change.status)
    _upsert_counters(cursor, "regional_dailytally", DAILY_KEYS, DAILY_COUNTERS, change.daily)


# Category names as last written, so an unchanged label costs no statement (per process).
_labels_lock = threading.Lock()
_labels: dict[str, tuple[str, str, str]] = {}


def _remember_labels(cursor: Any, categories: list[dict[str, str]]) -> None:
    fresh = {
        c["code"]: (c["parent"], c["name_kk"], c["name_ru"])
        for c in categories
        if _labels.get(c["code"]) != (c["parent"], c["name_kk"], c["name_ru"])
    }
    if not fresh:
        return
    codes = sorted(fresh)
    cursor.execute(
        "INSERT INTO regional_categorylabel (code, parent, name_kk, name_ru) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) "
        "ON CONFLICT (code) DO UPDATE SET parent = EXCLUDED.parent, name_kk = EXCLUDED.name_kk, "
        "name_ru = EXCLUDED.name_ru",
        [codes, [fresh[c][0] for c in codes], [fresh[c][1] for c in codes], [fresh[c][2] for c in codes]],
    )
    # Remembered only once the transaction commits: a rolled-back label must be written again.
    transaction.on_commit(lambda: _labels_update(fresh))


def _labels_update(fresh: dict[str, tuple[str, str, str]]) -> None:
    with _labels_lock:
        _labels.update(fresh)


def forget_labels() -> None:
    with _labels_lock:
        _labels.clear()
