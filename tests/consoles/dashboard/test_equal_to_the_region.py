"""The akimat's own figures (`akimatKpis` on its host) equal what the region's read model shows for
that akimat (`regionalKpis(akimat: ...)` on the regional host), after the akimat's changes reach the
region the real way: committed, carried by the outbox and delivered (tests/regional/helpers)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from testkit.graphql import gql
from testkit.identities import logged_in, user_with_roles
from tests.consoles.dashboard.known import known_appeals
from tests.regional.helpers import deliver_pending, forget_committed_appeals, regional_client

PERIOD_FIGURES = "received repeats repeatShare answered answeredOnTime slaCompliance closed"
NOW_FIGURES = "openNow overdueNow"
BY_STATUS = "byStatus { status count overdue }"


@pytest.fixture
def esil_committed(onboarded, django_db_blocker) -> Iterator[object]:
    """Esil with committed work only of this test (the transfer's copy lands in Kyzylzhar)."""
    with django_db_blocker.unblock():
        deliver_pending()  # whatever earlier tests left on its way goes before the slate is wiped
        forget_committed_appeals("esil", "kyzylzhar")
        yield onboarded["esil"]
        connection.set_schema_to_public()
        forget_committed_appeals("esil", "kyzylzhar")


def test_the_akimats_figures_equal_the_regions_for_it(esil_committed):
    suffix = uuid.uuid4().hex[:8]
    with tenant_context(esil_committed):
        known_appeals(location=None)
        akim = logged_in(user_with_roles(f"eq-akim-{suffix}", "akim"), host="esil.localhost")
    deliver_pending()
    region = regional_client(f"eq-viewer-{suffix}", "regional_viewer")
    try:
        ours = gql(akim, f"{{ akimatKpis {{ {PERIOD_FIGURES} {NOW_FIGURES} {BY_STATUS} }} }}")["data"]
        theirs = gql(
            region, f'{{ regionalKpis(akimat: "esil") {{ {PERIOD_FIGURES} {NOW_FIGURES} {BY_STATUS} }} }}'
        )
        assert "errors" not in theirs, theirs
        ours, theirs = ours["akimatKpis"], theirs["data"]["regionalKpis"]
        assert ours["received"] == 5 and ours["overdueNow"] == 1  # the known appeals, not nothing
        assert {k: v for k, v in ours.items() if k != "byStatus"} == {
            k: v for k, v in theirs.items() if k != "byStatus"
        }
        assert sorted(ours["byStatus"], key=lambda s: s["status"]) == theirs["byStatus"]

        for granularity in ("DAY", "WEEK"):
            points = f"periodStart periodEnd kpis {{ {PERIOD_FIGURES} }}"
            ours = gql(akim, f"{{ akimatKpiTimeSeries(granularity: {granularity}) {{ {points} }} }}")
            theirs = gql(
                region, f'{{ kpiTimeSeries(akimat: "esil", granularity: {granularity}) {{ {points} }} }}'
            )
            assert ours["data"]["akimatKpiTimeSeries"] == theirs["data"]["kpiTimeSeries"], granularity
            assert sum(point["kpis"]["received"] for point in theirs["data"]["kpiTimeSeries"]) == 5

        figures = f"{PERIOD_FIGURES} {NOW_FIGURES}"
        ours = gql(akim, f"{{ akimatKpiBreakdown(by: CATEGORY) {{ key kpis {{ {figures} }} }} }}")
        theirs = gql(
            region, f'{{ categoryBreakdown(akimat: "esil") {{ category {{ code }} kpis {{ {figures} }} }} }}'
        )
        assert {row["key"]: row["kpis"] for row in ours["data"]["akimatKpiBreakdown"]} == {
            row["category"]["code"]: row["kpis"] for row in theirs["data"]["categoryBreakdown"]
        }
    finally:
        with schema_context("esil"):
            User.objects.filter(username=f"eq-akim-{suffix}").delete()
        with schema_context(get_public_schema_name()):
            User.objects.filter(username=f"eq-viewer-{suffix}").delete()
