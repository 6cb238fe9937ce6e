"""The dashboard's objects with the most appeals of the period: the city map's ranking for the
dashboard's period and category, for those who see reports; a fixed number of queries."""

from __future__ import annotations

import pytest

from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import intake


def person(role: str, language: str = "ru"):
    client = logged_in(user_with_roles(f"top-{role}-{language}", role))
    client.cookies["django_language"] = language
    return client


# session, user, roles; the dashboard filter's choices (categories, organisations, people: the same
# filter as the page's); the ranking; its objects
QUERIES = 8


def test_the_objects_most_appealed_about_come_first(city):
    busy, quiet = city["building:abaya-12"], city["building:zhambyla-1"]
    for _ in range(3):
        intake(object_key=busy.key)
    intake(object_key=quiet.key)
    intake(category="cold-water", object_key=quiet.key)
    client = person("supervisor")
    client.get("/console/dashboard/objects", {"start": "x"})  # warm: the akimat by its host
    with exact_queries(QUERIES):
        page = client.get("/console/dashboard/objects")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index(f'data-object="{busy.pk}"') < text.index(f'data-object="{quiet.pk}"')
    cold_water = client.get("/console/dashboard/objects", {"category": "cold-water"}).content.decode()
    assert f'data-object="{quiet.pk}"' in cold_water and f'data-object="{busy.pk}"' not in cold_water


@pytest.mark.parametrize(("role", "status"), [("akim", 200), ("operator", 403)])
def test_only_those_who_see_reports(city, role, status):
    assert person(role).get("/console/dashboard/objects").status_code == status
