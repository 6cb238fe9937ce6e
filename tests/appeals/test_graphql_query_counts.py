"""Nested lists load without N+1: a page of 50 appeals with every nested list costs the same number
of SQL queries as a page of 5. (Speed is measured in bench/, never asserted here.)"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals import actions
from appeals.actions.telephony import record_incoming_call
from appeals.models import Attachment
from tests.appeals.conftest import EXECUTOR, OPERATOR, appeal_in, gql, intake

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


def queries_for(client, first: int) -> int:
    gql(client, "{ akimat { slug } }")  # warms the host map: its one registry query is not the page's
    with CaptureQueriesContext(connection) as captured:
        answer = gql(client, PAGE, {"first": first})
    assert "errors" not in answer, answer
    assert len(answer["data"]["appeals"]["edges"]) == first
    return len(captured)


def test_a_page_of_50_costs_what_a_page_of_5_costs(operator_client):
    for index in range(50):
        rich_appeal(index)
    small = queries_for(operator_client, 5)
    large = queries_for(operator_client, 50)
    assert small == large, (small, large)
    assert large <= 12, large  # session, user, roles, page, and one per nested list


def test_the_callback_queue_and_the_caller_list_are_flat_too(operator_client):
    def cost(query: str) -> int:
        gql(operator_client, "{ akimat { slug } }")
        with CaptureQueriesContext(connection) as captured:
            answer = gql(operator_client, query)
        assert "errors" not in answer, answer
        return len(captured)

    queue = (
        "{ callbackQueue(first: 50) { edges { node { number events { kind } callbackAttempts { at } } } } }"
    )
    calls = "{ recentIncomingCalls(limit: 50) { phone earlierAppeals { number events { at } } } }"
    for index in range(3):
        appeal_in("done", phone=f"+7705111220{index}")
        record_incoming_call(f"+7705111220{index}")
    few = (cost(queue), cost(calls))
    for index in range(3, 30):
        appeal_in("done", phone=f"+770511122{index:02d}")
        record_incoming_call(f"+770511122{index:02d}")
    assert (cost(queue), cost(calls)) == few


@pytest.mark.parametrize("first", [1, 100])
def test_the_largest_page_is_allowed(operator_client, first):
    intake()
    answer = gql(
        operator_client, "query($f: Int!) { appeals(first: $f) { edges { node { number } } } }", {"f": first}
    )
    assert "errors" not in answer
    assert EXECUTOR  # executors read the same way
