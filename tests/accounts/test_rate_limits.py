"""Rate limits per API client (ikomek/rate_limits.py): an integrator's token and an anonymous
address each get their quota, told in RateLimit headers on every answer; past it 429 with
Retry-After and `rate_limited` in the caller's language; another client is not touched; an
emergency is never refused; console sessions are not limited; a Redis that cannot count lets the
request through. Each test counts under a prefix of its own (no earlier run's counts)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, override_settings

from appeals.models import Appeal
from testkit.identities import logged_in, user_with_roles
from tests.accounts.conftest import api, tenant_host

QUERY = {"query": "{ akimat { slug } }"}
CREATE = (
    "mutation($i: CreateAppealInput!) { createAppeal(input: $i) { appeal { number status } "
    "errors { field code message } } }"
)


@pytest.fixture(autouse=True)
def own_counts():
    with override_settings(RATELIMIT_CACHE_PREFIX=f"rl-{uuid.uuid4().hex}:"):
        yield


def graphql(token: str, body: dict = QUERY, language: str = "en"):
    client = Client(
        HTTP_HOST=tenant_host("petropavlovsk"), HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    return client.post("/graphql/", data=body, content_type="application/json")


@override_settings(API_RATE_LIMIT="3/h")
def test_an_integrator_past_its_quota_gets_429_and_another_client_does_not(tokens, tenants):
    integrator = tokens.service("integrator-petropavlovsk")
    remaining = []
    for _ in range(3):
        answer = graphql(integrator)
        assert answer.status_code == 200 and answer.json()["data"]["akimat"]["slug"] == "petropavlovsk"
        assert (answer["RateLimit-Limit"], answer["RateLimit-Policy"]) == ("3", "3;w=3600")
        assert 0 < int(answer["RateLimit-Reset"]) <= 3600
        remaining.append(answer["RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]

    refused = graphql(integrator, language="ru")
    assert refused.status_code == 429
    error = refused.json()["errors"][0]
    assert error["code"] == error["extensions"]["code"] == "rate_limited"
    assert "Слишком много запросов" in error["message"]
    assert 0 < int(refused["Retry-After"]) <= 3600 and refused["RateLimit-Remaining"] == "0"

    # A person's token is another client: its own count.
    person = api("petropavlovsk", tokens.password("supervisor.petropavlovsk"), "/graphql/", "post",
                 data=QUERY, content_type="application/json")  # fmt: skip
    assert person.status_code == 200 and person["RateLimit-Remaining"] == "2"


@override_settings(API_RATE_LIMIT="1/h")
def test_an_emergency_over_the_quota_is_still_taken(tokens, petropavlovsk):
    integrator = tokens.service("integrator-petropavlovsk")
    assert graphql(integrator).status_code == 200
    assert graphql(integrator).status_code == 429
    key = f"rl-emergency-{uuid.uuid4().hex[:8]}"
    gas = {"channel": "LANDLINE", "description": "Газ иісі / Запах газа", "applicantPhone": "+77051234567"}
    variables = {"i": {**gas, "category": "gas-leak", "clientKey": key}}  # any variable name
    answer = graphql(integrator, {"query": CREATE, "variables": variables})
    assert answer.status_code == 200, answer.content
    created = answer.json()["data"]["createAppeal"]
    # Taken (an integrator's emergency then waits for an operator's confirmation before 112).
    assert created["errors"] == [] and created["appeal"]["status"] == "RECEIVED"
    assert Appeal.objects.filter(client_key=key).count() == 1


@override_settings(API_RATE_LIMITS={"integrator-petropavlovsk": "2/h"}, API_RATE_LIMIT="100/h")
def test_a_client_named_in_the_settings_gets_its_own_quota(tokens, tenants):
    integrator = tokens.service("integrator-petropavlovsk")
    assert [graphql(integrator).status_code for _ in range(3)] == [200, 200, 429]


@override_settings(API_RATE_LIMIT_ANONYMOUS="2/h")
def test_anonymous_callers_are_limited_by_address_and_console_sessions_are_not(petropavlovsk):
    def anonymous(address: str):
        client = Client(HTTP_HOST=tenant_host("petropavlovsk"), REMOTE_ADDR=address)
        return client.post("/graphql/", data=QUERY, content_type="application/json")

    assert [anonymous("10.1.1.1").status_code for _ in range(3)] == [200, 200, 429]
    assert anonymous("10.1.1.2").status_code == 200  # another address
    staff = logged_in(user_with_roles("rate-operator", "operator"))
    answers = [staff.post("/graphql/", data=QUERY, content_type="application/json") for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert "RateLimit-Limit" not in answers[-1]


def test_a_redis_that_cannot_count_lets_the_request_through(tenants):
    nowhere = {
        "default": {
            "BACKEND": "ikomek.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: a real refused connection
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=nowhere, API_RATE_LIMIT_ANONYMOUS="1/h"):
        client = Client(HTTP_HOST=tenant_host("petropavlovsk"), REMOTE_ADDR="10.1.1.3")
        answers = [client.post("/graphql/", data=QUERY, content_type="application/json") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert "RateLimit-Limit" not in answers[0]
