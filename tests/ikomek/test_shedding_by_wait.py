"""Shedding by the time a call waited for a worker (decision 96): nginx stamps `X-Request-Start`
as it hands a call over; an API call (not an emergency) that waited past `WEB_SHED_WAITED_MS` while
other calls wait behind it is answered 429 with Retry-After and nothing is stored; with none behind
it, it is worked; a stamp that is not a past time is ignored. The calls waiting behind are real
connections on a real listening socket, as gunicorn's workers see them."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from appeals.models import Appeal
from ikomek import shedding
from testkit.identities import user_with_roles

CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number } errors { code } } }"
)


@pytest.fixture
def queue() -> Iterator[Callable[[int], None]]:
    """A listening socket as a worker's; `queue(n)` opens n connections that wait on it."""
    callers: list[socket.socket] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        shedding.listening([listener])

        def behind(count: int) -> None:
            callers.extend(socket.create_connection(listener.getsockname()) for _ in range(count))
            assert shedding.waiting() == len(callers)

        try:
            yield behind
        finally:
            shedding.listening([])
            for caller in callers:
                caller.close()


@pytest.fixture
def operator(petropavlovsk) -> Client:
    client = Client(HTTP_HOST="petropavlovsk.localhost")
    client.force_login(user_with_roles("wait-operator", "operator"))
    return client


def create(client: Client, key: str, category: str = "heating", **headers: str):
    variables = {
        "input": {
            "channel": "LANDLINE",
            "description": "Батареи холодные",
            "applicantPhone": "+77051234567",
            "category": category,
            "clientKey": key,
            "register": True,
        }
    }
    return client.post(
        "/graphql/", {"query": CREATE, "variables": variables}, content_type="application/json", **headers
    )


def stamp(seconds_ago: float) -> str:
    return f"t={time.time() - seconds_ago:.3f}"


def test_a_late_call_with_others_behind_it_is_shed_and_not_stored(operator, queue, settings):
    settings.WEB_SHED_WAITED_MS = 100
    queue(1)
    shed = create(operator, "waited-long", HTTP_X_REQUEST_START=stamp(0.5))
    assert shed.status_code == 429
    assert shed.headers["Retry-After"] == "1"
    assert shed.json()["errors"][0]["extensions"]["code"] == "overloaded"
    assert "Система перегружена" in shed.json()["errors"][0]["message"]
    assert not Appeal.objects.filter(client_key="waited-long").exists()

    # Its re-send, handed over at once, is worked and stored once.
    again = create(operator, "waited-long", HTTP_X_REQUEST_START=stamp(0))
    assert again.status_code == 200 and again.json()["data"]["createAppeal"]["created"] is True
    assert Appeal.objects.filter(client_key="waited-long").count() == 1


def test_a_late_call_with_none_behind_it_is_worked(operator, queue, settings):
    settings.WEB_SHED_WAITED_MS = 100
    queue(0)
    answer = create(operator, "late-alone", HTTP_X_REQUEST_START=stamp(0.5))
    assert answer.status_code == 200 and answer.json()["data"]["createAppeal"]["created"] is True


def test_a_late_emergency_is_worked(operator, queue, settings):
    settings.WEB_SHED_WAITED_MS = 100
    queue(3)
    answer = create(operator, "waited-gas", category="gas-leak", HTTP_X_REQUEST_START=stamp(2))
    assert answer.status_code == 200
    assert answer.json()["data"]["createAppeal"]["created"] is True


@pytest.mark.parametrize(
    "header",
    [
        "1700000000.000",  # no "t="
        "t=yesterday",
        "t=",
        "t=9999999999.000",  # in the future: not a wait
        "t=1.000",  # decades ago: not a proxy's stamp
    ],
)
def test_a_stamp_that_is_not_a_past_handover_is_ignored(operator, queue, settings, header):
    settings.WEB_SHED_WAITED_MS = 100
    queue(1)
    answer = create(operator, "odd-stamp", HTTP_X_REQUEST_START=header)
    assert answer.status_code == 200, answer.content


@pytest.mark.parametrize("limit", [0, -5])
def test_without_a_limit_nothing_is_shed_by_its_wait(operator, queue, settings, limit):
    settings.WEB_SHED_WAITED_MS = limit
    queue(1)
    answer = create(operator, "no-limit", HTTP_X_REQUEST_START=stamp(5))
    assert answer.status_code == 200


def test_reads_and_pages_are_never_shed_by_their_wait(operator, queue, settings):
    settings.WEB_SHED_WAITED_MS = 100
    queue(1)
    read = operator.get("/graphql/", {"query": "{ __typename }"}, HTTP_X_REQUEST_START=stamp(5))
    assert read.status_code == 200
    assert operator.get("/healthz", HTTP_X_REQUEST_START=stamp(5)).status_code == 200
