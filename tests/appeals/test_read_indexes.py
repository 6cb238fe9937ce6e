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
