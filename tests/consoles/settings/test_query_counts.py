"""Each settings page costs a fixed number of SQL queries, however many entries it lists."""

from __future__ import annotations

import json

import pytest

from appeals.actions.telephony import set_exchange_secret
from appeals.models import Organisation, ResponsiblePerson, RoutingRule
from testkit.queries import exact_queries
from tests.appeals.conftest import CENTRE

pytestmark = pytest.mark.usefixtures("inside")


def costs(client, path: str, expected: int) -> None:
    client.get(path)  # warm: session, the person's profile
    with exact_queries(expected):
        answer = client.get(path)
    assert answer.status_code == 200, path


def add_rows(client, n: int, offset: int) -> None:
    """n more of everything the pages list, through the pages themselves."""
    for i in range(offset, offset + n):
        client.post(
            "/console/settings/organisations/new",
            {
                "code": f"org-{i}",
                "kind": "utility",
                "name_kk": f"Ұйым {i}",
                "name_ru": f"Организация {i}",
                "is_active": "on",
            },
        )
        client.post(
            f"/console/settings/organisations/org-{i}/people",
            {"person-full_name": f"Сотрудник {i}", "person-is_active": "on"},
        )
        lon, lat = CENTRE[0] + 0.002 * i, CENTRE[1]
        ring = [[lon, lat], [lon + 0.001, lat], [lon + 0.001, lat + 0.001], [lon, lat + 0.001], [lon, lat]]
        client.post(
            "/console/settings/routing/new",
            {
                "category": "heating",
                "organisation": f"org-{i}",
                "area_name": f"Участок {i}",
                "area": json.dumps({"type": "Polygon", "coordinates": [ring]}),
            },
        )
        client.post("/console/settings/calendar/", {"date": f"2027-07-{10 + i:02d}", "kind": "day_off"})
        set_exchange_secret(f"exchange-{i}", f"secret-number-{i}-of-the-exchange")


def pages() -> dict[str, str]:
    rule = RoutingRule.objects.filter(area__isnull=False).order_by("id").first()
    person = ResponsiblePerson.objects.order_by("id").first()
    organisation = Organisation.objects.get(code="org-0")
    return {
        "categories": "/console/settings/categories/",
        "category": "/console/settings/categories/heating/",
        "new category": "/console/settings/categories/new",
        "organisations": "/console/settings/organisations/",
        "organisation": f"/console/settings/organisations/{organisation.code}/",
        "new organisation": "/console/settings/organisations/new",
        "person": f"/console/settings/people/{person.pk}/",
        "routing": "/console/settings/routing/",
        "rule": f"/console/settings/routing/{rule.pk}/",
        "new rule": "/console/settings/routing/new",
        "calendar": "/console/settings/calendar/",
        "exchange": "/console/settings/exchange/",
        "changes": "/console/settings/changes/",
        "city map": "/console/settings/city-map/",
    }


# 3 for every console page (session, user with staff profile, groups), then: one list query for
# each list page; the entry and the group choices for a category (a new one: the choices); the
# organisation and its people (a new one: nothing more); the rule, the other rules' areas, the
# category and organisation choices (a new rule: all but the rule); the city map's upload form nothing.
EXPECTED = {
    "categories": 4,
    "category": 5,
    "new category": 4,
    "organisations": 4,
    "organisation": 5,
    "new organisation": 3,
    "person": 4,
    "routing": 4,
    "rule": 7,
    "new rule": 6,
    "calendar": 4,
    "exchange": 4,
    "changes": 4,
    "city map": 3,  # the upload form only: the page reads nothing until a file comes
}


def test_every_settings_page_costs_the_same_for_one_entry_and_for_five(supervisor):
    add_rows(supervisor, 1, 0)
    assert set(pages()) == set(EXPECTED)
    for name, path in pages().items():
        costs(supervisor, path, EXPECTED[name])
    add_rows(supervisor, 4, 1)
    for name, path in pages().items():
        costs(supervisor, path, EXPECTED[name])


def test_the_settings_address_sends_to_the_first_section_for_what_every_page_costs(supervisor):
    supervisor.get("/console/settings/")
    with exact_queries(3):  # session, user with staff profile, groups
        answer = supervisor.get("/console/settings/")
    assert answer.status_code == 302 and answer["Location"] == "/console/settings/categories/"
