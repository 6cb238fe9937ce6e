"""A session cookie is an ambient credential: GraphQL acting for a signed-in person requires
Django's CSRF protection; bearer and anonymous requests need no CSRF token."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django_tenants.utils import tenant_context

from appeals.models import Appeal
from testkit.graphql import data_of, refusal
from testkit.identities import user_with_roles

CREATE = "mutation($input: CreateAppealInput!) { createAppeal(input: $input) { created errors { code } } }"
INPUT = {"channel": "LANDLINE", "description": "Аулада жарық жоқ", "applicantPhone": "+77051234567"}
HOST = "petropavlovsk.localhost"


@pytest.fixture
def inside_petropavlovsk(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def operator_browser() -> Client:
    client = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    client.force_login(user_with_roles("csrf-operator", "operator"))
    return client


def test_another_sites_form_cannot_act_with_an_operators_session(inside_petropavlovsk):
    browser = operator_browser()
    before = Appeal.objects.count()

    # What the attacker's page sends: a simple form post, no token, its own Origin.
    answer = browser.post(
        "/graphql/",
        {"query": CREATE, "variables": json.dumps({"input": INPUT})},
        HTTP_ORIGIN="http://evil.example",
    )

    assert answer.status_code == 403
    refusal(answer.json(), "csrf_failed")
    assert Appeal.objects.count() == before


def test_our_own_page_sends_the_token_and_acts(inside_petropavlovsk):
    browser = operator_browser()
    token = get_token(RequestFactory().get("/"))
    browser.cookies["csrftoken"] = token

    answer = browser.post(
        "/graphql/",
        {"query": CREATE, "variables": {"input": INPUT | {"clientKey": "csrf-ok"}}},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )

    assert answer.status_code == 200
    assert data_of(answer.json())["createAppeal"] == {"created": True, "errors": []}


def test_an_anonymous_request_needs_no_token(inside_petropavlovsk):
    answer = Client(HTTP_HOST=HOST, enforce_csrf_checks=True).post(
        "/graphql/",
        {"query": 'query { trackAppeal(number: 999999, phoneLast4: "1234") { status } }'},
        content_type="application/json",
    )

    assert answer.status_code == 200  # a typed answer, not a CSRF refusal
