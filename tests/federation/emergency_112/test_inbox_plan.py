"""The inbox's statements read their lists in the order of their own indexes: no sort of the
incidents, whatever their number. Planned over a few hundred incidents with sequential and bitmap
scans off in the test's transaction (SET LOCAL): on so few rows the planner rightly prefers to
gather them and sort, so what is left is walking an index; if the order's index were missing the
plan would walk another one and sort (a Sort node), which is what these tests refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from federation.emergency_112 import inbox
from federation.emergency_112.actions import receive_incident
from federation.emergency_112.models import Incident, IncidentState

ROWS = 400


@pytest.fixture
def many(tenants, document_for) -> None:
    """ROWS incidents of every priority, a fifth of them finished, and the statistics about them."""
    template = receive_incident(document_for(appeal_number="PLAN-0"), source_schema="petropavlovsk")
    now = timezone.now()
    rows = []
    for n in range(1, ROWS):
        clone = Incident.objects.get(pk=template.pk)
        clone.pk = None
        clone.eido_id = f"{template.eido_id}-{n}"
        clone.appeal_number = f"PLAN-{n}"
        clone.priority = 1 + n % 5
        clone.received_at = clone.awaiting_ack_since = now - timedelta(minutes=n)
        if n % 5 == 0:
            clone.state, clone.finished_at = IncidentState.CLOSED, now - timedelta(minutes=n % 600)
        rows.append(clone)
    Incident.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE emergency_112_incident")
        cursor.execute("ANALYZE emergency_112_incidentalarm")


def plan(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


def nodes(node: dict, *, subplans: bool = False) -> list[dict]:
    """The plan's nodes; without `subplans`, not those of a row's subquery (its alarms)."""
    found = [node]
    for child in node.get("Plans", []):
        if subplans or child.get("Parent Relationship") != "SubPlan":
            found += nodes(child, subplans=subplans)
    return found


def reads_in_order(queryset, index: str) -> list[dict]:
    tree = nodes(plan(queryset))
    sorts = [node for node in tree if "Sort" in node["Node Type"]]
    assert sorts == [], f"sorted: {sorts}"
    scans = [node for node in tree if node.get("Index Name") == index]
    assert scans, f"{index} not read: {[node['Node Type'] for node in tree]}"
    return scans


def test_the_open_page_walks_the_open_index_without_a_sort(many):
    filters = inbox.Filters()
    (scan,) = reads_in_order(inbox.open_incidents(filters)[: inbox.PAGE], "emergency_inbox_open")
    assert scan["Node Type"] == "Index Scan" and scan["Scan Direction"] == "Forward"
    # A later page and a filtered one walk the same index (the filter checked on the way).
    reads_in_order(inbox.open_incidents(filters)[inbox.PAGE * 3 : inbox.PAGE * 4], "emergency_inbox_open")
    # Narrowed to the akimat and the service of most incidents: still walked in order. (An akimat
    # with few incidents is rightly found by its foreign key's index and its few rows sorted.)
    petropavlovsk = Incident.objects.values_list("source_akimat_id", flat=True).first()
    narrowed = inbox.Filters(service="101", akimat_id=petropavlovsk)
    reads_in_order(inbox.open_incidents(narrowed)[: inbox.PAGE], "emergency_inbox_open")


def test_the_lists_as_the_page_reads_them_sort_no_incidents(many):
    """The statements the page runs, with the akimat joined and the alarms in a subquery."""
    reads_in_order(inbox.shown(inbox.open_incidents())[: inbox.PAGE], "emergency_inbox_open")
    awaiting = Incident.objects.filter(state=IncidentState.RECEIVED)
    newest = inbox.shown(awaiting).order_by("-awaiting_ack_since", "-id")[: inbox.NEWEST]
    (scan,) = reads_in_order(newest, "emergency_awaiting_ack")
    assert scan["Scan Direction"] == "Backward"
    since = timezone.now() - inbox.FINISHED_VISIBLE
    finished = Incident.objects.filter(state__in=["closed", "rejected"], finished_at__gte=since)
    reads_in_order(
        inbox.shown(finished).order_by("-finished_at", "-id")[: inbox.FINISHED_SHOWN],
        "emergency_inbox_finished",
    )


def test_the_change_marker_reads_the_newest_stamps_of_its_index(many):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {inbox.MARKER_SQL}", [inbox.SETTLE])
        tree = nodes(cursor.fetchone()[0][0]["Plan"], subplans=True)
    scans = [node for node in tree if node.get("Index Name") == "emergency_incident_updated"]
    newest, window = sorted(scans, key=lambda node: "Index Cond" in node)
    assert newest["Node Type"] == "Index Only Scan" and newest["Scan Direction"] == "Backward"
    assert window["Index Cond"].startswith("(updated_at >=")  # only the rows just before it
