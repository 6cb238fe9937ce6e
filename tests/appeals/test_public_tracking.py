"""Public tracking: anyone with the number and the phone's last four digits (or the access code,
tests/appeals/test_tracking_limits.py) sees the status and the dates, nothing personal; wrong
guesses are limited per client and tenant. The citizens' page on top of it:
tests/consoles/test_tracking_page.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from appeals.api.types import TrackedAppealType
from appeals.models.appeal import NUMBER_SEQUENCE
from appeals.tracking.service import client_limit
from ikomek.schema import schema
from testkit.graphql import data_of, gql, refusal
from tests.appeals.conftest import appeal_in, intake


@pytest.fixture(autouse=True)
def _no_counters_of_earlier_runs():
    # Appeal numbers start again with each test database; counters of a run against the same
    # (kept) Redis would otherwise count against them.
    cache.clear()


TRACK = """
query Track($n: Int!, $d: String!) {
  trackAppeal(number: $n, phoneLast4: $d) {
    number status statusLabel receivedAt deadline resolvedAt closedAt
  }
}
"""


def test_the_right_digits_show_status_and_dates(anonymous_client):
    appeal = appeal_in("done", phone="+77051239876", applicant_name="Ержан Касымов")
    response = anonymous_client.post(
        "/graphql/",
        {"query": TRACK, "variables": {"n": appeal.number, "d": "9876"}},
        content_type="application/json",
    )
    tracked = data_of(response.json())["trackAppeal"]
    assert tracked["number"] == appeal.number and tracked["status"] == "DONE"
    assert tracked["receivedAt"] and tracked["deadline"] and tracked["resolvedAt"]
    body = response.content.decode()
    for secret in ("77051239876", "Ержан", "Касымов", appeal.description):
        assert secret not in body


def test_the_type_has_no_personal_field_at_all():
    fields = set(schema.graphql_schema.get_type(TrackedAppealType._meta.name).fields)
    assert fields == {
        "number",
        "status",
        "statusLabel",
        "receivedAt",
        "deadline",
        "resolvedAt",
        "closedAt",
        "emergency112",
    }
    # 112's part: its status and the time of each stage, nothing else (no notes, unit, services).
    emergency = set(schema.graphql_schema.get_type("TrackedEmergency").fields)
    assert emergency == {
        "status",
        "statusLabel",
        "forwardedAt",
        "receivedAt",
        "acknowledgedAt",
        "dispatchedAt",
        "onSceneAt",
        "finishedAt",
    }


def test_wrong_digits_and_unknown_numbers_look_the_same(anonymous_client):
    appeal = intake(phone="+77051239876")
    assert data_of(gql(anonymous_client, TRACK, {"n": appeal.number, "d": "0000"})) == {"trackAppeal": None}
    assert data_of(gql(anonymous_client, TRACK, {"n": 99999999, "d": "9876"})) == {"trackAppeal": None}
    # Not four digits is not a guess: it is refused as such (it used to answer null).
    short = gql(anonymous_client, TRACK, {"n": appeal.number, "d": "98"})
    refusal(short, "invalid_phone_last4", "phoneLast4")


def align_appeal_numbers(*akimats: object) -> None:
    """The next appeal of each of these akimats gets the same number: every akimat numbers its appeals
    with its own sequence, and each is moved forward (never back) past the highest of them."""
    highest = 0
    for akimat in akimats:
        with tenant_context(akimat), connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(pg_sequence_last_value(%s::regclass), 0)", [NUMBER_SEQUENCE])
            highest = max(highest, cursor.fetchone()[0])
    for akimat in akimats:
        with tenant_context(akimat), connection.cursor() as cursor:
            cursor.execute("SELECT setval(%s, %s, false)", [NUMBER_SEQUENCE, highest + 1])


def test_guessing_is_limited_per_client_and_tenant(anonymous_client, tenants):
    align_appeal_numbers(tenants["petropavlovsk"], tenants["esil"])
    appeal = intake(phone="+77051239876")
    for _ in range(client_limit()):
        gql(anonymous_client, TRACK, {"n": appeal.number, "d": "1111"})
    refusal(gql(anonymous_client, TRACK, {"n": appeal.number, "d": "9876"}), "too_many_attempts")
    # This client is refused on every appeal of the akimat, not only the one it guessed on.
    other = intake(phone="+77051230000")
    refusal(gql(anonymous_client, TRACK, {"n": other.number, "d": "0000"}), "too_many_attempts")
    # The same client in another akimat has its own counter (even for an appeal of the same number).
    with tenant_context(tenants["esil"]):
        esil_appeal = intake(phone="+77051235555", location=(68.30, 54.14))
    assert esil_appeal.number == appeal.number
    esil = Client(HTTP_HOST="esil.localhost")
    answer = gql(esil, TRACK, {"n": esil_appeal.number, "d": "5555"})
    assert data_of(answer)["trackAppeal"]["number"] == esil_appeal.number
