"""Days and moments at the calendar's edges, or with an offset PostgreSQL does not store (ISO 8601
allows up to ±23:59, PostgreSQL ±15:59), are compared in UTC or refused by field with a clear code:
never an internal error, never a 500 (the GraphQL filters and the change feed, the dashboard's
figures on GraphQL and on its page, hot spots)."""

from __future__ import annotations

import pytest

from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import intake

LIST = "query($f: AppealFilter) { appeals(first: 5, filter: $f) { totalCount } }"
CHANGES = "query($s: String) { appeals(first: 5, changedSince: $s) { totalCount } }"
KPIS = "query($p: PeriodInput) { akimatKpis(period: $p) { received } }"
HOTSPOTS = "query($s: DateTime) { hotspotObjects(since: $s) { appeals } }"


def test_a_moment_with_an_offset_the_database_does_not_store_is_compared_in_utc(operator_client):
    appeal = intake()
    stamp = appeal.received_at.astimezone().strftime("%Y-%m-%d")
    # Midnight 23:59 west of Greenwich is 23:59 UTC that day: after this appeal.
    found = data_of(gql(operator_client, LIST, {"f": {"receivedFrom": f"{stamp}T00:00:00-23:59"}}))
    assert found["appeals"]["totalCount"] == 0
    found = data_of(gql(operator_client, LIST, {"f": {"receivedTo": f"{stamp}T00:00:00-23:59"}}))
    assert found["appeals"]["totalCount"] >= 1
    data_of(gql(operator_client, CHANGES, {"s": f"{stamp}T00:00:00-23:59"}))


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-23:59"])
def test_a_moment_outside_the_calendar_in_utc_is_refused_by_field(operator_client, moment):
    refusal(
        gql(operator_client, LIST, {"f": {"receivedFrom": moment}}), "out_of_range", "filter.receivedFrom"
    )


@pytest.mark.parametrize(
    "period", [{"end": "0001-01-01"}, {"start": "9999-12-30", "end": "9999-12-31"}, {"start": "1999-12-31"}]
)
def test_the_figures_for_days_no_appeal_can_fall_on_are_refused(petropavlovsk, period):
    analyst = logged_in(user_with_roles("edges-analyst", "analyst"))
    error = refusal(gql(analyst, KPIS, {"p": period}, HTTP_ACCEPT_LANGUAGE="ru"), "out_of_range", "period")
    assert error["message"] == "День с 01.01.2000 по 31.12.2100"


@pytest.mark.parametrize("query", ["end=0001-01-01", "start=9999-12-30&end=9999-12-31"])
@pytest.mark.parametrize("path", ["", "export.csv", "appeals/?figure=received&"])
def test_the_dashboard_says_so_for_such_days(petropavlovsk, path, query):
    supervisor = logged_in(user_with_roles("edges-supervisor", "supervisor"))
    supervisor.cookies["django_language"] = "ru"
    url = f"/console/dashboard/{path}" + ("" if path.endswith("&") else "?") + query
    answer = supervisor.get(url)
    assert answer.status_code == 400, (url, answer.status_code)
    assert "День с 01.01.2000 по 31.12.2100" in answer.content.decode()


def test_hot_spots_take_any_offset_and_refuse_the_calendars_edge(petropavlovsk):
    analyst = logged_in(user_with_roles("edges-hotspots", "analyst"))
    data_of(gql(analyst, HOTSPOTS, {"s": "2026-11-01T00:00:00-23:59"}))
    refusal(gql(analyst, HOTSPOTS, {"s": "0001-01-01T00:00:00+05:00"}), "invalid_period", "since")
