"""Every operator page and fragment costs a fixed number of SQL queries, asserted exactly, with one
appeal of each kind and again with more of them (more rows, events, candidates, earlier appeals)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.actions.telephony import record_incoming_call
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, AppealEvent, IncomingCall
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import CENTRE, OPERATOR, VALID_PHONE, appeal_in, intake

ADDRESS = "ул. Конституции Казахстана, 12"


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


@pytest.fixture
def operator(inside) -> Client:
    client = logged_in(user_with_roles("op-queries", "operator"))
    client.cookies["django_language"] = "ru"
    return client


def costs(client: Client, path: str, expected: int, **headers: str) -> str:
    client.get(path, **headers)  # warm: the session's first read, per-process caches
    with exact_queries(expected):
        answer = client.get(path, **headers)
    assert answer.status_code == 200, path
    return answer.content.decode()


def one_of_every_list() -> None:
    """An appeal in each of the operator's lists: new, registered, overdue, due within 24 h, and
    waiting for the call-back with an unanswered attempt (from the same phone and address)."""
    now = timezone.now()
    intake(address=ADDRESS)
    intake(register=True, address=ADDRESS)
    late = appeal_in("assigned", address=ADDRESS)
    Appeal.objects.filter(pk=late.pk).update(deadline=now - datetime.timedelta(hours=1))
    sweep(now)
    soon = appeal_in("assigned", address=ADDRESS)
    Appeal.objects.filter(pk=soon.pk).update(deadline=now + datetime.timedelta(hours=3))
    answered = appeal_in("done", address=ADDRESS)
    actions.record_callback(OPERATOR, answered.number, reached=False)


def rows_in(page: str) -> int:
    """Rows shown: each leads to its appeal, or in the call-back queue to its call-back page."""
    return page.count('href="/console/appeals/') + page.count('href="/console/callbacks/')


# 3 for every console page (session, user with staff profile, groups), then: the list's page of
# rows (with category and organisation), the counts of every list, the call-backs due.
QUEUES = 6
LISTS = ("new", "registered", "overdue", "due_soon", "callback")


def test_every_list_and_search_costs_the_same_for_one_appeal_of_a_kind_and_for_four(operator):
    one_of_every_list()
    number = Appeal.objects.order_by("id").values_list("number", flat=True).first()
    pages = [f"/console/queues/?list={name}" for name in LISTS] + [
        f"/console/queues/?q={number}",
        f"/console/queues/?q={VALID_PHONE[1:]}",
        "/console/queues/?q=Конституции",
    ]
    few = {path: rows_in(costs(operator, path, QUEUES)) for path in pages}
    for _ in range(3):
        one_of_every_list()
    for path in pages:
        shown = rows_in(costs(operator, path, QUEUES))
        assert shown > few[path] or path.endswith(f"={number}"), path  # more rows, the same queries
    # As you type (HTMX): the rows alone, the same reads.
    rows = costs(operator, "/console/queues/?q=Конституции", QUEUES, HTTP_HX_REQUEST="true")
    assert "<html" not in rows


# The appeal with category, organisation, assignee and original; its events; its attachments;
# while it may still be a repeat, the nearby originals (the nearest in degrees measured in metres,
# one statement), and, as it may be transferred, the akimats to offer.
APPEAL_PAGE = 3 + 3
APPEAL_PAGE_WITH_CANDIDATES = APPEAL_PAGE + 1 + 1


def test_the_appeal_page_costs_the_same_with_more_history_and_more_candidates(operator):
    original = intake(register=True)
    appeal = intake()
    url = f"/console/appeals/{appeal.number}/"
    assert f"№{original.number}" in costs(operator, url, APPEAL_PAGE_WITH_CANDIDATES)
    for _ in range(3):
        intake(register=True)
    text = costs(operator, url, APPEAL_PAGE_WITH_CANDIDATES)
    assert text.count('name="original"') >= 4  # one choice per candidate
    closed = appeal_in("closed")
    assert AppealEvent.objects.filter(appeal=closed).count() >= 6
    costs(operator, f"/console/appeals/{closed.number}/", APPEAL_PAGE)


def test_the_intake_form_and_its_live_parts_cost_a_fixed_number(operator):
    costs(operator, "/console/intake/", 3)  # the page: categories come from the process's cache
    costs(operator, "/console/intake/categories?category_search=вод", 3)
    costs(operator, "/console/akimat.geojson", 3)  # the boundary is the tenant's own row
    lon, lat = CENTRE
    repeats = f"/console/intake/repeats?category=heating&longitude={lon}&latitude={lat}"
    intake()
    # session, user, roles; the nearby originals (the nearest in degrees measured in metres)
    few = costs(operator, repeats, 4).count('href="/console/appeals/')
    for _ in range(3):
        intake()
    assert costs(operator, repeats, 4).count('href="/console/appeals/') > few


def test_the_caller_id_pop_up_costs_the_same_for_one_earlier_appeal_and_for_four(operator):
    start = costs(operator, "/console/calls/", 4)  # a page that just opened: the latest call's id
    assert "hx-get" in start
    intake()
    call, _ = record_incoming_call("8 705 123 45 67", exchange_call_id="q-1")
    after = f"/console/calls/?after={call.pk - 1}"
    # The call and the caller's earlier appeals; nothing new: the calls since, none.
    few = costs(operator, after, 5).count('href="/console/appeals/')
    operator.get(f"/console/calls/?after={call.pk}")
    with exact_queries(4):  # nothing newer: 204, and htmx keeps the pop-up on the screen
        assert operator.get(f"/console/calls/?after={call.pk}").status_code == 204
    for _ in range(3):
        intake()
    assert costs(operator, after, 5).count('href="/console/appeals/') > few
    assert IncomingCall.objects.count() >= 1
