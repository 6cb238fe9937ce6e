"""Tracking guesses (issue 11): limited per client (address, device) with atomic Redis counters, per
appeal number and per akimat for the phone's digits, and the access code from the receipt that
still opens the appeal when the digits no longer do."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from appeals.models import Appeal
from appeals.tracking import limits
from appeals.tracking.access_code import ALPHABET, LENGTH, normalised, readable
from appeals.tracking.service import client_limit
from testkit.graphql import gql
from tests.appeals.conftest import intake

TRACK = """
query Track($n: Int!, $d: String, $c: String) {
  trackAppeal(number: $n, phoneLast4: $d, accessCode: $c) { number status }
}
"""
CREATE = """
mutation Create($input: CreateAppealInput!) {
  createAppeal(input: $input) { created accessCode appeal { number accessCode } errors { code } }
}
"""
VIEW = "query($n: Int!) { appeal(number: $n) { accessCode applicantPhone } }"
PHONE = "+77051239876"


@pytest.fixture(autouse=True)
def _no_counters_of_earlier_runs():
    cache.clear()  # the counters live in the cache's Redis database; numbers restart per test database


def track(client: Client, number: int, *, digits=None, code=None, address="10.0.0.1", device=None) -> dict:
    headers = {"REMOTE_ADDR": address}
    if device is not None:
        headers["HTTP_X_DEVICE_ID"] = device
    response = client.post(
        "/graphql/",
        {"query": TRACK, "variables": {"n": number, "d": digits, "c": code}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def opened(answer: dict) -> int | None:
    assert "errors" not in answer, answer
    tracked = answer["data"]["trackAppeal"]
    return tracked["number"] if tracked else None


def refusal(answer: dict) -> dict:
    assert answer["data"]["trackAppeal"] is None
    return answer["errors"][0]["extensions"]


# ------------------------------------------------------------------ the two findings
def test_the_citizen_still_gets_in_after_someone_elses_wrong_guesses(anonymous_client):
    """Finding: after 11 wrong guesses on one appeal the citizen with the right digits was refused
    for an hour. Now the guesser is refused, the citizen is not."""
    appeal = intake(phone=PHONE)
    for _ in range(client_limit() + 1):
        track(anonymous_client, appeal.number, digits="1111", address="203.0.113.66")
    attacker = refusal(track(anonymous_client, appeal.number, digits="9876", address="203.0.113.66"))
    assert attacker["code"] == "too_many_attempts" and 0 < attacker["retryAfter"] <= 3600
    citizen = track(anonymous_client, appeal.number, digits="9876", address="198.51.100.7")
    assert opened(citizen) == appeal.number


def test_guesses_spread_over_many_numbers_are_limited_per_client(anonymous_client):
    """Finding: guesses spread over many appeal numbers were not limited at all."""
    appeals = [intake(phone=PHONE) for _ in range(3)]
    numbers = [appeals[0].number + 1000 + i for i in range(client_limit())]  # other numbers, one try each
    for number in numbers:
        assert opened(track(anonymous_client, number, digits="1111", address="203.0.113.66")) is None
    for appeal in appeals:  # every further number is refused for this client, right digits included
        answer = track(anonymous_client, appeal.number, digits="9876", address="203.0.113.66")
        assert refusal(answer)["code"] == "too_many_attempts"
    assert opened(track(anonymous_client, appeals[0].number, digits="9876")) == appeals[0].number


# ------------------------------------------------------------------ per client
def test_a_device_is_limited_whatever_address_it_comes_from(anonymous_client):
    appeal = intake(phone=PHONE)
    for i in range(client_limit()):
        track(anonymous_client, appeal.number, digits="1111", address=f"10.1.0.{i}", device="phone-42")
    roaming = track(anonymous_client, appeal.number, digits="9876", address="10.9.9.9", device="phone-42")
    assert refusal(roaming)["code"] == "too_many_attempts"
    other_device = track(anonymous_client, appeal.number, digits="9876", address="10.9.9.9", device="x")
    assert opened(other_device) == appeal.number


def test_phones_behind_one_carrier_address_each_have_their_own_budget(anonymous_client):
    appeal = intake(phone=PHONE)
    for _ in range(client_limit()):
        track(anonymous_client, appeal.number, digits="1111", address="100.64.0.1", device="phone-a")
    # Another phone on the same carrier address still gets in; the first is refused.
    neighbour = track(anonymous_client, appeal.number, digits="9876", address="100.64.0.1", device="phone-b")
    assert opened(neighbour) == appeal.number
    first = track(anonymous_client, appeal.number, digits="9876", address="100.64.0.1", device="phone-a")
    assert refusal(first)["code"] == "too_many_attempts"
    # Without a device id the address is the client: its own budget is spent by the phones' guesses.
    plain = track(anonymous_client, appeal.number, digits="9876", address="100.64.0.1")
    assert refusal(plain)["code"] == "too_many_attempts"


def test_invented_device_ids_still_meet_the_addresss_bound(anonymous_client):
    appeal = intake(phone=PHONE)
    for i in range(client_limit() * limits.SHARED_ADDRESS_CLIENTS):
        track(
            anonymous_client, appeal.number + 1 + i, digits="1111", address="100.64.0.2", device=f"fake-{i}"
        )
    fresh = track(anonymous_client, appeal.number, digits="9876", address="100.64.0.2", device="fresh")
    assert refusal(fresh)["code"] == "too_many_attempts"


def test_an_ipv6_client_is_counted_by_its_64_prefix(anonymous_client):
    appeal = intake(phone=PHONE)
    for i in range(client_limit()):
        track(anonymous_client, appeal.number, digits="1111", address=f"2001:db8:1:2::{i + 1:x}")
    same_prefix = track(anonymous_client, appeal.number, digits="9876", address="2001:db8:1:2:ffff::1")
    assert refusal(same_prefix)["code"] == "too_many_attempts"
    assert opened(track(anonymous_client, appeal.number, digits="9876", address="2001:db8:1:3::1"))
    # IPv4 clients seen through a dual-stack socket are counted by their own address, not one /64.
    mapped = [limits.requester_of({"REMOTE_ADDR": f"::ffff:192.0.2.{i}"}).address for i in (1, 2)]
    assert mapped == ["192.0.2.1", "192.0.2.2"]


def test_right_answers_do_not_count(anonymous_client):
    appeal = intake(phone=PHONE)
    for _ in range(client_limit() * 2):
        assert opened(track(anonymous_client, appeal.number, digits="9876")) == appeal.number
    for _ in range(client_limit() - 1):
        track(anonymous_client, appeal.number, digits="1111")
    assert opened(track(anonymous_client, appeal.number, code=readable(appeal.access_code)))
    assert opened(track(anonymous_client, appeal.number, digits="9876")) == appeal.number


def test_concurrent_attempts_never_pass_the_limit(petropavlovsk):
    """The counter is reserved atomically (one Lua script): 40 simultaneous attempts on a limit of
    10 get exactly 10 through, where a read-then-increment would let more pass."""
    counter = limits.Counter("appeals:tracking:test:concurrency", limit=10, window_seconds=60)
    start = threading.Barrier(40)
    passed: list[bool] = []

    def attempt() -> None:
        start.wait()
        passed.append(limits.reserve([counter]) is None)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert passed.count(True) == 10 and len(passed) == 40
    blocked = limits.reserve([counter])
    assert blocked is not None and 0 < blocked.retry_after <= 60


def test_a_refused_attempt_counts_nothing_on_the_other_counters(petropavlovsk):
    full = limits.Counter("appeals:tracking:test:full", limit=1, window_seconds=60)
    other = limits.Counter("appeals:tracking:test:other", limit=5, window_seconds=60)
    assert limits.reserve([full]) is None
    assert limits.reserve([other, full]).counter == full
    for _ in range(5):
        assert limits.reserve([other]) is None  # all five units still there
    assert limits.reserve([other]).counter == other


# ------------------------------------------------------------------ per appeal and akimat: the code
def test_after_many_wrong_digits_from_anywhere_only_the_code_opens_the_appeal(anonymous_client, settings):
    settings.APPEALS_TRACKING_APPEAL_PHONE_FAILURES = 5
    appeal = intake(phone=PHONE)
    unknown = appeal.number + 5000
    for i in range(5):  # five different clients, each far below its own limit
        track(anonymous_client, appeal.number, digits="1111", address=f"192.0.2.{i}")
        track(anonymous_client, unknown, digits="1111", address=f"192.0.2.{i}")
    citizen = track(anonymous_client, appeal.number, digits="9876", address="198.51.100.7")
    assert refusal(citizen)["code"] == "access_code_required"
    # An unknown number answers exactly the same: the lock tells nothing about existence.
    stranger = track(anonymous_client, unknown, digits="9876", address="198.51.100.7")
    assert refusal(stranger) == refusal(citizen)
    code = readable(appeal.access_code)
    assert opened(track(anonymous_client, appeal.number, code=code, address="198.51.100.7")) == appeal.number


def test_wrong_digits_all_over_the_akimat_lock_the_digits_but_not_the_codes(anonymous_client, settings):
    settings.APPEALS_TRACKING_AKIMAT_PHONE_FAILURES = 3
    appeal = intake(phone=PHONE)
    for i in range(3):  # many clients, many numbers, one guess each
        track(anonymous_client, appeal.number + 100 + i, digits="1111", address=f"192.0.2.{i}")
    assert refusal(track(anonymous_client, appeal.number, digits="9876"))["code"] == "access_code_required"
    assert opened(track(anonymous_client, appeal.number, code=appeal.access_code)) == appeal.number


def test_wrong_codes_count_against_the_client_only(anonymous_client, settings):
    settings.APPEALS_TRACKING_APPEAL_PHONE_FAILURES = 2
    appeal = intake(phone=PHONE)
    for _ in range(client_limit()):
        wrong = track(anonymous_client, appeal.number, code="ZZZZ-ZZZZ", address="203.0.113.66")
        assert opened(wrong) is None
    answer = track(anonymous_client, appeal.number, code=appeal.access_code, address="203.0.113.66")
    assert refusal(answer)["code"] == "too_many_attempts"
    # Wrong codes did not lock the appeal's digits, and the citizen's code works from elsewhere.
    assert opened(track(anonymous_client, appeal.number, digits="9876")) == appeal.number


def test_the_code_is_read_as_people_type_it(anonymous_client):
    appeal = intake(phone=PHONE)
    code = appeal.access_code
    assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    typed = f" {code[:4].lower()} - {code[4:]} "
    assert opened(track(anonymous_client, appeal.number, code=typed)) == appeal.number
    cyrillic = code.translate(str.maketrans("ABCEHKMPTXY", "АВСЕНКМРТХУ"))
    assert normalised(cyrillic) == code
    malformed = refusal(track(anonymous_client, appeal.number, code="O0I1-LU"))
    assert malformed == {"code": "invalid_access_code", "field": "accessCode"}


def test_an_appeal_older_than_codes_is_never_opened_by_a_code(anonymous_client):
    appeal = intake(phone=PHONE)
    Appeal.objects.filter(pk=appeal.pk).update(access_code="")
    assert opened(track(anonymous_client, appeal.number, code="ABCD-EFGH")) is None
    assert opened(track(anonymous_client, appeal.number, digits="9876")) == appeal.number


def test_without_redis_tracking_refuses_typed_never_unlimited(anonymous_client, settings):
    settings.APPEALS_TRACKING_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    appeal = intake(phone=PHONE)
    assert refusal(track(anonymous_client, appeal.number, digits="9876"))["code"] == "unavailable"
    page = anonymous_client.post("/track/", {"number": str(appeal.number), "phone_last4": "9876"})
    assert page.status_code == 503 and page["Retry-After"] and "временно недоступно" in page.content.decode()


# ------------------------------------------------------------------ the receipt
def test_intake_gives_the_code_once_and_again_on_a_retry(operator_client, analyst_client):
    variables = {
        "input": {
            "channel": "LANDLINE",
            "description": "Нет отопления",
            "applicantPhone": PHONE,
            "clientKey": "receipt-1",
        }
    }
    first = gql(operator_client, CREATE, variables)["data"]["createAppeal"]
    again = gql(operator_client, CREATE, variables)["data"]["createAppeal"]
    assert first["created"] and not again["created"]
    assert first["accessCode"] == again["accessCode"] == first["appeal"]["accessCode"]
    code = first["accessCode"]
    assert len(code) == LENGTH + 1 and code[4] == "-"
    number = first["appeal"]["number"]
    # An analyst does not see applicants' data: not the code either (not masked: absent).
    seen = gql(analyst_client, VIEW, {"n": number})["data"]["appeal"]
    assert seen["accessCode"] is None and "•" in seen["applicantPhone"]
    assert Appeal.objects.get(number=number).access_code == code.replace("-", "")


# ------------------------------------------------------------------ the page
def test_the_page_opens_with_the_code_and_asks_for_it_when_digits_are_locked(anonymous_client, settings):
    settings.APPEALS_TRACKING_APPEAL_PHONE_FAILURES = 1
    appeal = intake(phone=PHONE)
    anonymous_client.post("/track/", {"number": str(appeal.number), "phone_last4": "1111"})
    locked = anonymous_client.post("/track/", {"number": str(appeal.number), "phone_last4": "9876"})
    assert locked.status_code == 403 and "введите код доступа из квитанции" in locked.content.decode()
    assert 'id="access_code-error" data-code="access_code_required"' in locked.content.decode()
    page = anonymous_client.post(
        "/track/", {"number": str(appeal.number), "access_code": readable(appeal.access_code)}
    )
    assert page.status_code == 200 and f"№{appeal.number}</h2>" in page.content.decode()
    neither = anonymous_client.post("/track/", {"number": str(appeal.number)})
    assert neither.status_code == 400 and "код доступа" in neither.content.decode()


def test_behind_nginx_each_citizen_is_counted_by_the_address_nginx_saw(anonymous_client, settings):
    """Found on `make run`: behind nginx every REMOTE_ADDR is nginx's, so ten wrong answers from
    anyone locked every citizen out of tracking. The address is the rate limits' header."""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    appeal = intake(phone=PHONE)
    one, another = (f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}" for _ in range(2))
    for _ in range(client_limit()):
        anonymous_client.post(
            "/track/",
            {"number": str(appeal.number), "phone_last4": "1111"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP=one,
        )
    locked = anonymous_client.post(
        "/track/", {"number": str(appeal.number), "phone_last4": "9876"}, HTTP_X_REAL_IP=one
    )
    assert locked.status_code == 429
    other = anonymous_client.post(
        "/track/", {"number": str(appeal.number), "phone_last4": "9876"}, HTTP_X_REAL_IP=another
    )
    assert other.status_code == 200  # the same nginx, another citizen
    direct = limits.requester_of({"REMOTE_ADDR": "203.0.113.5"})  # no header: the connection's own
    assert direct.address == "203.0.113.5"
