"""`/` of an akimat's host costs a fixed number of SQL queries: a signed-in person is sent to their
console for what every console page costs, a stranger gets the public page for none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


@pytest.mark.parametrize(
    ("role", "console"),
    [
        ("operator", "/console/queues/"),
        ("supervisor", "/console/queues/"),
        ("executor", "/console/executor/"),
        ("lawyer", "/console/violations/"),  # the violations they work, before the dashboard
        ("akim", "/console/dashboard/"),
        ("analyst", "/console/dashboard/"),
    ],
)
def test_a_signed_in_person_is_sent_to_their_console_for_three_queries(inside, role, console):
    client = logged_in(user_with_roles(f"home-{role}", role))
    client.get("/")
    with exact_queries(3):  # session, user with staff profile, groups
        answer = client.get("/")
    assert answer.status_code == 302 and answer["Location"] == console


def test_a_stranger_gets_the_public_page_for_no_query(inside):
    client = Client(HTTP_HOST="petropavlovsk.localhost")
    client.get("/")
    with exact_queries(0):  # the akimat comes with the host, no session to read
        answer = client.get("/")
    assert answer.status_code == 200 and "/track/" in answer.content.decode()
