"""The indexes the consoles' reads rely on are there in an onboarded (cloned) akimat, and the
statements the reads run can use them."""

from __future__ import annotations

from django.db import connection

from appeals.reads import violations, worklists


def plan(queryset, *, ordered_scans: bool = True) -> str:
    """The plan with sequential scans off: whether the statement can use an index at all (on a
    test's few rows the planner rightly prefers reading the table). Without `ordered_scans` it
    cannot walk an index for the order and filter on the way (what rows other tests left in the
    table make it choose now and then): only an index that finds the rows is left."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not ordered_scans:
            cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_search_by_address_reads_the_trigram_index(petropavlovsk):
    found = plan(worklists.search("Конституции")[: worklists.PAGE], ordered_scans=False)
    assert "appeal_address_trgm_idx" in found


def test_the_violation_register_reads_newest_first_from_its_index(petropavlovsk):
    assert "violation_detected_idx" in plan(violations.register()[: violations.PAGE])


def _index_columns(table: str) -> dict[str, tuple[str, ...]]:
    """Each b-tree index of the table in the current (akimat's) schema: its key columns in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index.relname, array_agg(attribute.attname ORDER BY key.ord)
            FROM pg_index i
            JOIN pg_class index ON index.oid = i.indexrelid
            JOIN pg_class tab ON tab.oid = i.indrelid
            JOIN pg_am am ON am.oid = index.relam AND am.amname = 'btree'
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS key(attnum, ord)
            LEFT JOIN pg_attribute attribute ON attribute.attrelid = tab.oid AND attribute.attnum = key.attnum
            WHERE tab.relname = %s AND tab.relnamespace = current_schema()::regnamespace
              AND i.indpred IS NULL
            GROUP BY index.relname
            """,
            [table],
        )
        # An expression's key has no column (attnum 0): None keeps it apart from any real prefix.
        return {name: tuple(columns) for name, columns in cursor.fetchall()}


def test_no_index_of_appeals_repeats_the_start_of_another(petropavlovsk):
    # Intake writes every index of the table: one whose columns begin another is only a cost.
    indexes = _index_columns("appeals_appeal")
    assert "appeal_category_idx" in indexes and "appeal_client_key_unique" in indexes
    repeated = [
        (short, long)
        for short, short_columns in indexes.items()
        for long, long_columns in indexes.items()
        if short != long
        and not short.endswith(("_pkey", "_key", "_unique"))  # uniqueness is not only a read's
        and None not in short_columns
        and long_columns[: len(short_columns)] == short_columns
    ]
    assert repeated == []
    with connection.cursor() as cursor:  # nor a pattern index for the client key, looked up exactly
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE %s",
            ["%client_key varchar_pattern_ops%"],
        )
        assert cursor.fetchone()[0] == 0
