"""Every dashboard page costs a fixed number of SQL statements, whatever the number of appeals,
organisations, categories or people in them (asserted exactly, before and after more appeals)."""

from __future__ import annotations

import pytest

from appeals import actions
from appeals.models import Organisation, ResponsiblePerson
from testkit.queries import exact_queries
from tests.appeals.conftest import OPERATOR, intake
from tests.consoles.dashboard.conftest import person

# Every page: session, user, their roles (3) and the filters' choices: categories, organisations,
# people (3); then its own reads.
PAGES = {
    "/console/dashboard/": 6 + 3,  # the figures with their three breakdowns, their names, the series
    "/console/dashboard/?step=week&category=housing": 6 + 3,
    "/console/dashboard/appeals/?figure=received": 6 + 2,  # the count and the page of rows
    "/console/dashboard/appeals/?figure=due_soon&organisation=-": 6 + 2,
    "/console/dashboard/export.csv": 6 + 3,
    "/console/dashboard/export.xlsx": 6 + 3,
    "/console/dashboard/appeals.csv?figure=received": 6 + 1,
    "/console/dashboard/appeals.xlsx?figure=received": 6 + 1,
    "/console/dashboard/map.json": 6 + 1,
}


def more_appeals_in_more_places(count: int) -> None:
    """Appeals spread over organisations, people and categories: more rows in every breakdown."""
    organisations = list(Organisation.objects.order_by("code")[:3])
    for index in range(count):
        organisation = organisations[index % len(organisations)]
        person_of, _ = ResponsiblePerson.objects.get_or_create(
            organisation=organisation, full_name=f"Сотрудник {index}", defaults={"position": "инженер"}
        )
        appeal = intake(category=("heating", "cold-water", "roads")[index % 3], register=True)
        actions.assign_appeal(OPERATOR, appeal.number, organisation_code=organisation.code)
        type(appeal).objects.filter(pk=appeal.pk).update(assignee=person_of)


@pytest.mark.parametrize(("path", "statements"), PAGES.items())
def test_a_page_costs_the_same_statements_for_more_appeals(known, path, statements):
    client = person("supervisor", name=f"dash-q-{abs(hash(path)) % 10_000}")
    client.get(path)  # whatever a first request warms up
    with exact_queries(statements):
        first = client.get(path)
    more_appeals_in_more_places(9)
    with exact_queries(statements):
        second = client.get(path)
    assert first.status_code == second.status_code == 200


def test_the_htmx_fragment_costs_what_the_page_costs(known):
    client = person("akim")
    client.get("/console/dashboard/", HTTP_HX_REQUEST="true")
    with exact_queries(9):
        answer = client.get("/console/dashboard/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "<html" not in answer.content.decode()
