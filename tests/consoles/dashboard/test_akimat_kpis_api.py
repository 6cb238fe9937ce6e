"""The dashboard's figures on the akimat's GraphQL (`akimatKpis`, `akimatKpiTimeSeries`,
`akimatKpiBreakdown`): reports.view only, the figures of known appeals, clear errors for wrong
input, and a fixed number of SQL statements whatever the number of appeals."""

from __future__ import annotations

import pytest

from testkit.graphql import data_of, gql, refusal
from testkit.queries import exact_queries
from tests.appeals.conftest import intake
from tests.consoles.dashboard.conftest import person
from tests.consoles.dashboard.known import Known

FIGURES = (
    "received repeats repeatShare answered answeredOnTime slaCompliance closed openNow overdueNow dueSoon"
)
KPIS = (
    "query($c: String, $o: String) { akimatKpis(category: $c, organisation: $o) { "
    f"{FIGURES} byStatus {{ status count overdue }} }} }}"
)


def test_the_figures_of_known_appeals(known: Known):
    got = data_of(gql(person("analyst"), KPIS))["akimatKpis"]
    assert {k: v for k, v in got.items() if k != "byStatus"} == {
        "received": 5,
        "repeats": 1,
        "repeatShare": 0.2,
        "answered": 2,
        "answeredOnTime": 1,
        "slaCompliance": 0.5,
        "closed": 1,
        "openNow": 2,
        "overdueNow": 1,
        "dueSoon": 1,
    }
    assert {s["status"]: (s["count"], s["overdue"]) for s in got["byStatus"]} == {
        "closed": (1, 0),
        "done": (1, 0),
        "assigned": (1, 1),
        "registered": (1, 0),
        "cancelled": (1, 0),
        "transferred": (1, 0),
    }
    grouped = gql(person("akim"), KPIS, {"c": "housing"})["data"]["akimatKpis"]
    assert grouped["received"] == 5  # a group counts its sub-categories
    assert (
        gql(person("akim", name="dash-akim-2"), KPIS, {"c": "roads"})["data"]["akimatKpis"]["received"] == 0
    )


def test_breakdowns_and_time_series(known: Known):
    client = person("supervisor")
    query = (
        "query($by: KpiDimension!) { akimatKpiBreakdown(by: $by) { "
        "key nameRu organisationNameRu kpis { received overdueNow dueSoon } } }"
    )
    by_category = gql(client, query, {"by": "CATEGORY"})["data"]["akimatKpiBreakdown"]
    assert [(r["key"], r["nameRu"], r["kpis"]["received"]) for r in by_category] == [
        ("heating", "Отопление", 5)
    ]
    by_organisation = {
        r["key"]: r["kpis"] for r in gql(client, query, {"by": "ORGANISATION"})["data"]["akimatKpiBreakdown"]
    }
    assert by_organisation[known.overdue.organisation.code]["overdueNow"] == 1
    assert by_organisation["-"]["dueSoon"] == 1  # registered, not yet assigned to anyone
    people = gql(client, query, {"by": "PERSON"})["data"]["akimatKpiBreakdown"]
    assert sum(r["kpis"]["received"] for r in people) == 5
    named = [r for r in people if r["key"] != "-"]
    assert all(r["organisationNameRu"] for r in named)

    series = (
        "query($g: Granularity) { akimatKpiTimeSeries(granularity: $g) { "
        "periodStart periodEnd kpis { received answered closed } } }"
    )
    days = gql(client, series)["data"]["akimatKpiTimeSeries"]
    assert len(days) == 30 and sum(p["kpis"]["received"] for p in days) == 5
    weeks = gql(client, series, {"g": "WEEK"})["data"]["akimatKpiTimeSeries"]
    assert 5 <= len(weeks) <= 6 and sum(p["kpis"]["answered"] for p in weeks) == 2
    assert (
        weeks[0]["periodStart"] == days[0]["periodStart"] and weeks[-1]["periodEnd"] == days[-1]["periodEnd"]
    )


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ('period: {start: "2026-03-10", end: "2026-03-01"}', "invalid", "period"),
        ('period: {start: "2020-01-01", end: "2025-01-01"}', "too_long", "period"),
        ('category: "nonsense"', "unknown_category", "category"),
        ('organisation: "nowhere"', "unknown_organisation", "organisation"),
        ('person: "x1"', "unknown_person", "person"),
    ],
)
def test_wrong_input_gets_a_clear_error(city, variables, code, field):
    answer = gql(person("analyst"), f"{{ akimatKpis({variables}) {{ received }} }}")
    error = refusal(answer, code, field)
    assert " / " in error["message"]  # Kazakh and Russian, as every API message


def test_only_reports_view_reads_them(city):
    for role in ("operator", "executor"):
        refusal(gql(person(role), "{ akimatKpis { received } }"), "forbidden")
    for role in ("supervisor", "akim", "analyst", "lawyer"):
        data_of(gql(person(role), "{ akimatKpis { received } }"))


def test_each_field_costs_the_same_statements_for_more_appeals(known):
    client = person("analyst")
    everything = (
        f"{{ akimatKpis {{ {FIGURES} byStatus {{ status count }} }} "
        f"akimatKpiTimeSeries(granularity: WEEK) {{ kpis {{ received answered closed }} }} "
        f"o: akimatKpiBreakdown(by: ORGANISATION) {{ key kpis {{ {FIGURES} }} }} "
        f"p: akimatKpiBreakdown(by: PERSON) {{ key kpis {{ received }} }} }}"
    )
    gql(client, everything)
    # Session, user and their roles (3), then akimatKpis 1 + byStatus 1, the series 1, each
    # breakdown 2 (its figures, their names).
    with exact_queries(10):
        gql(client, everything)
    for _ in range(6):
        intake(register=True)
    with exact_queries(10):
        answer = data_of(gql(client, everything))
    assert answer["akimatKpis"]["received"] == 11
