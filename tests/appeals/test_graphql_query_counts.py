"""Nested lists load without N+1: a page of 50 appeals with every nested list costs the same number
of SQL queries as a page of 5, also for the lists nested one level deeper (an appeal's repeats with
their history) and for appeals nested in other lists. (Speed is measured in bench/, never here.)"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appeals import actions
from appeals.actions.telephony import record_incoming_call
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Attachment
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import CENTRE, OPERATOR, appeal_in, gql, intake

PAGE = """
query Page($first: Int!) {
  appeals(first: $first, orderBy: NUMBER_ASC) {
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id number status statusLabel channel applicantName applicantPhone personalDataMasked
        address location { longitude latitude } description priority deadline isOverdue repeatOf
        allowedTransitions
        category { code nameRu parentCode isEmergency }
        organisation { code nameRu people { fullName } }
        assignee { fullName }
        events { kind fromStatus toStatus actorName actorRole at }
        attachments { token contentType url }
        callbackAttempts { reached satisfied contactNumber }
        repeats { number status category { code } }
      }
    }
  }
}
"""


def rich_appeal(index: int) -> None:
    """An appeal with something in every nested list."""
    appeal = appeal_in("done")
    Attachment.objects.create(
        appeal=appeal,
        token=uuid.uuid4(),
        file=f"appeals/petropavlovsk/{appeal.pk}/x.jpg",
        extension=".jpg",
        content_type="image/jpeg",
        size=10,
        original_name="x.jpg",
        sha256="0" * 64,
        uploaded_by="test",
    )
    if index % 2 == 0:
        repeat = intake(phone="+77017654321")
        actions.link_as_repeat(OPERATOR, repeat.number, original_number=appeal.number)
    actions.record_callback(OPERATOR, appeal.number, reached=False)


def cost(client, query: str, variables: dict | None = None) -> tuple[int, dict]:
    """SQL queries of one request, and its data."""
    gql(client, "{ akimat { slug } }")  # warms the host map: its one registry query is not the page's
    with CaptureQueriesContext(connection) as captured:
        answer = gql(client, query, variables)
    assert "errors" not in answer, answer
    return len(captured), answer["data"]


def queries_for(client, first: int, query: str = PAGE) -> int:
    queries, data = cost(client, query, {"first": first})
    assert len(data["appeals"]["edges"]) == first
    return queries


def test_a_page_of_50_costs_what_a_page_of_5_costs(operator_client):
    for index in range(50):
        rich_appeal(index)
    small = queries_for(operator_client, 5)
    large = queries_for(operator_client, 50)
    assert small == large, (small, large)
    assert large <= 12, large  # session, user, roles, page, and one per nested list


# Lists inside the appeals nested in the page: one query per nested list, whatever the page size.
NESTED = """
query Page($first: Int!) {
  appeals(first: $first, orderBy: NUMBER_ASC) {
    edges {
      node {
        number
        repeats {
          number
          events { kind at actorName }
          attachments { token }
          callbackAttempts { at }
          organisation { code people { fullName } }
          repeats { number }
        }
      }
    }
  }
}
"""


def test_the_repeats_of_a_page_and_their_history_cost_the_same_for_5_and_50(operator_client):
    for index in range(50):
        rich_appeal(index)
    small = queries_for(operator_client, 5, NESTED)
    large = queries_for(operator_client, 50, NESTED)
    assert small == large, (small, large)
    _, data = cost(operator_client, NESTED, {"first": 50})
    repeats = [r for edge in data["appeals"]["edges"] for r in edge["node"]["repeats"]]
    # Every other original has a repeat (the repeats are on the page too, having numbers of their own).
    assert len(repeats) > 10 and all(r["events"] for r in repeats)  # each repeat's own history
    assert large <= 10, large  # session, user, roles, page, repeats and one per list inside them


def test_one_appeal_by_node_id_loads_its_nested_lists_in_fixed_queries(operator_client):
    original = appeal_in("assigned")
    for index in range(6):
        repeat = intake(phone=f"+7701765432{index}")
        actions.link_as_repeat(OPERATOR, repeat.number, original_number=original.number)
    query = """query($id: ID!) { node(id: $id) { ... on Appeal { number events { kind }
        repeats { number events { kind } organisation { code } } } } }"""
    global_id = gql(operator_client, "query($n: Int!) { appeal(number: $n) { id } }", {"n": original.number})
    few, data = cost(operator_client, query, {"id": global_id["data"]["appeal"]["id"]})
    assert len(data["node"]["repeats"]) == 6 and all(r["events"] for r in data["node"]["repeats"])
    assert few <= 7, few  # session, user, roles, the appeal, its events, its repeats, their events


def test_appeals_inside_the_violation_register_are_loaded_in_fixed_queries(petropavlovsk):
    lawyer = logged_in(user_with_roles("gql-lawyer", "lawyer"))
    query = """query($first: Int!) { violations(first: $first) { edges { node { id events { toStatus }
        appeal { number events { kind } repeats { number events { kind } } organisation { code } } } } } }"""

    def overdue(count: int) -> None:
        for _ in range(count):
            appeal = appeal_in("in_progress")
            Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - datetime.timedelta(hours=2))
        sweep()

    overdue(2)
    few, data = cost(lawyer, query, {"first": 20})
    assert len(data["violations"]["edges"]) == 2
    overdue(10)
    many, data = cost(lawyer, query, {"first": 20})
    assert len(data["violations"]["edges"]) == 12 and all(
        e["node"]["appeal"]["events"] for e in data["violations"]["edges"]
    )
    assert few == many, (few, many)


def test_repeat_candidates_load_their_nested_lists_in_fixed_queries(operator_client):
    query = """query($p: GeoPointInput) { repeatCandidates(category: "heating", location: $p) {
        number organisation { code } events { kind } repeats { number } } }"""
    where = {"p": {"longitude": CENTRE[0], "latitude": CENTRE[1]}}
    for _ in range(2):
        appeal_in("assigned")
    few, data = cost(operator_client, query, where)
    assert len(data["repeatCandidates"]) == 2
    for _ in range(6):
        appeal_in("assigned")
    many, data = cost(operator_client, query, where)
    assert len(data["repeatCandidates"]) == 8 and all(c["organisation"] for c in data["repeatCandidates"])
    assert few == many, (few, many)


def test_the_callback_queue_and_the_caller_list_are_flat_too(operator_client):
    queue = (
        "{ callbackQueue(first: 50) { edges { node { number events { kind } callbackAttempts { at } } } } }"
    )
    calls = "{ recentIncomingCalls(limit: 50) { phone earlierAppeals { number events { at } } } }"
    for index in range(3):
        appeal_in("done", phone=f"+7705111220{index}")
        record_incoming_call(f"+7705111220{index}")
    few = (cost(operator_client, queue)[0], cost(operator_client, calls)[0])
    for index in range(3, 30):
        appeal_in("done", phone=f"+770511122{index:02d}")
        record_incoming_call(f"+770511122{index:02d}")
    assert (cost(operator_client, queue)[0], cost(operator_client, calls)[0]) == few


@pytest.mark.parametrize("first", [1, 100])
def test_the_largest_page_is_allowed(operator_client, first):
    intake()
    answer = gql(
        operator_client, "query($f: Int!) { appeals(first: $f) { edges { node { number } } } }", {"f": first}
    )
    assert "errors" not in answer
    assert len(answer["data"]["appeals"]["edges"]) == 1
