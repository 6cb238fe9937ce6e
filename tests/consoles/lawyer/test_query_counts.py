"""Each lawyer's page costs a fixed number of SQL queries, however many violations it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from testkit.queries import exact_queries
from tests.consoles.lawyer.conftest import client_of, overdue_violation

pytestmark = pytest.mark.usefixtures("inside")


def costs(client, path: str, expected: int) -> None:
    client.get(path)  # warm: session, the person's profile, catalogue caches
    with exact_queries(expected):
        answer = client.get(path)
    assert answer.status_code == 200, path


# 3 for every console page (the session, the user with their staff profile, their groups); register:
# rows with appeal, category, organisation, person and the year's count in one query, the
# organisations filter, the counts per state; person: the person, their year; violation and act:
# the violation (same joins and count), its events.
REGISTER, PERSON, VIOLATION, ACT = 6, 5, 5, 5


def test_the_register_costs_the_same_for_two_violations_and_for_six(head):
    first = overdue_violation()
    overdue_violation()
    lawyer = client_of("lawyer")
    costs(lawyer, "/console/violations/", REGISTER)
    costs(lawyer, "/console/violations/?status=open", REGISTER)
    costs(lawyer, f"/console/violations/people/{head.pk}/", PERSON)
    for _ in range(4):
        overdue_violation()
    lawyer.post(f"/console/violations/{first.pk}/explanation", {"text": "Не было материалов"})
    lawyer.post(f"/console/violations/{first.pk}/sanction", {"text": "Замечание"})
    costs(lawyer, "/console/violations/", REGISTER)
    costs(lawyer, "/console/violations/?status=open", REGISTER)
    costs(lawyer, f"/console/violations/people/{head.pk}/", PERSON)
    costs(lawyer, f"/console/violations/{first.pk}/", VIOLATION)
    costs(lawyer, f"/console/violations/{first.pk}/act", ACT)


def test_what_a_console_page_costs_before_its_own_queries(head):
    """The 3 queries every page pays (named, so a change there is seen here first)."""
    lawyer = client_of("lawyer")
    lawyer.get(f"/console/violations/people/{head.pk}/")
    with CaptureQueriesContext(connection) as captured:
        lawyer.get(f"/console/violations/people/{head.pk}/")
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in captured.captured_queries[:3]]
    assert tables == ['"django_session"', '"auth_user"', '"auth_group"'], tables
