"""An Authorization header is either a Bearer token the API accepts or a 401 that says why: Basic,
Token or a malformed Bearer is never served as an anonymous request (RFC 6750's challenge)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.accounts.conftest import tenant_host

REALM = f'Bearer realm="{settings.KEYCLOAK_REALM}"'


def call(authorization: str, language: str | None = "en", path: str = "/graphql/"):
    headers = {"HTTP_AUTHORIZATION": authorization}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client = Client(HTTP_HOST=tenant_host("petropavlovsk"), **headers)
    return client.post(path, {"query": "{ __typename }"}, content_type="application/json")


def only_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"errors"}
    (error,) = body["errors"]
    assert error["extensions"] == {"code": error["code"], "field": None}
    return error


@pytest.mark.parametrize(
    "authorization", ["Basic aW50ZWdyYXRvcjpzZWNyZXQ=", "Token 0123456789abcdef", "ApiKey x", "bearer-ish"]
)
def test_another_scheme_is_refused_not_taken_as_anonymous(tenants, authorization):
    response = call(authorization)
    error = only_error(response, 401)
    assert error["code"] == "unsupported_auth_scheme"
    assert error["message"] == (
        "Only Authorization: Bearer <access token> is accepted here (a Keycloak access token)."
    )
    # No Bearer credentials were sent: the challenge names the scheme and realm, no error (§3.1).
    assert response["WWW-Authenticate"] == REALM


@pytest.mark.parametrize(
    ("authorization", "code"), [("Bearer", "malformed"), ("Bearer not.a.jwt", "malformed")]
)
def test_a_malformed_bearer_token_is_an_invalid_token(tenants, authorization, code):
    response = call(authorization, path="/auth/me")
    assert only_error(response, 401)["code"] == code
    assert response["WWW-Authenticate"].startswith(f'{REALM}, error="invalid_token", error_description="')


def test_the_refusal_speaks_the_callers_language(tenants):
    kazakh = only_error(call("Basic eDp5", language="kk-KZ,kk;q=0.9,ru;q=0.8"), 401)
    russian = only_error(call("Basic eDp5", language="ru"), 401)
    both = only_error(call("Basic eDp5", language=None), 401)
    assert kazakh["message"].startswith("Мұнда тек Authorization: Bearer")
    assert russian["message"].startswith("Здесь принимается только Authorization: Bearer")
    assert both["message"] == f"{kazakh['message']} / {russian['message']}"
    # The header stays ASCII English whatever the body's language.
    assert call("Bearer x.y.z", language="kk")["WWW-Authenticate"].isascii()


def test_no_authorization_header_is_still_anonymous(tenants):
    response = Client(HTTP_HOST=tenant_host("petropavlovsk")).post(
        "/graphql/", {"query": "{ __typename }"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}
