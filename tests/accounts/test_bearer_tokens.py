"""API bearer tokens from the real Keycloak: people by password (dev realm), integrators and 112 by
client credentials; the principal they become, on which hosts, and at what cost."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from accounts.roles import Role
from testkit.queries import exact_queries
from tests.accounts.conftest import api, claims_of, tenant_host

GRAPHQL_AKIMAT = {"query": "{ akimat { slug } }"}


@pytest.mark.parametrize(
    ("username", "tenant", "role", "sees_personal_data"),
    [
        ("operator.petropavlovsk", "petropavlovsk", Role.OPERATOR, True),
        ("executor.petropavlovsk", "petropavlovsk", Role.EXECUTOR, False),
        ("lawyer.kyzylzhar", "kyzylzhar", Role.LAWYER, True),
        ("akim.esil", "esil", Role.AKIM, False),
        ("analyst.kyzylzhar", "kyzylzhar", Role.ANALYST, False),
    ],
)
def test_demo_user_password_login_gives_a_person_of_that_akimat(
    tokens, tenants, username, tenant, role, sees_personal_data
):
    token = tokens.password(username)

    response = api(tenant, token)

    assert response.status_code == 200, response.content
    me = response.json()
    assert (me["kind"], me["tenant"], me["username"], me["roles"]) == ("user", tenant, username, [role.value])
    assert me["issuer"] == f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}"
    assert me["subject"] == claims_of(token)["sub"]
    assert me["sees_personal_data"] is sees_personal_data


def test_regional_demo_user_works_on_the_regional_host(tokens, tenants):
    response = api(None, tokens.password("regional-viewer"))
    assert response.status_code == 200, response.content
    assert (response.json()["tenant"], response.json()["roles"]) == (None, ["regional_viewer"])


def test_integrator_client_credentials_give_a_service_of_its_akimat(tokens, tenants):
    token = tokens.service("integrator-petropavlovsk")

    me = api("petropavlovsk", token).json()

    assert (me["kind"], me["tenant"], me["username"], me["roles"]) == (
        "service",
        "petropavlovsk",
        "integrator-petropavlovsk",
        ["integrator"],
    )
    # The same token on GraphQL: the request runs in the akimat's schema.
    response = api(
        "petropavlovsk", token, "/graphql/", "post", data=GRAPHQL_AKIMAT, content_type="application/json"
    )
    assert response.json() == {"data": {"akimat": {"slug": "petropavlovsk"}}}


def test_112_centre_works_on_the_regional_host_only(tokens, tenants):
    token = tokens.service("ikomek-112", "ikomek-112-dev-secret")

    regional = api(None, token)
    on_akimat = api("petropavlovsk", token)

    assert regional.status_code == 200
    assert (regional.json()["kind"], regional.json()["roles"], regional.json()["tenant"]) == (
        "service",
        ["dispatcher_112"],
        None,
    )
    assert on_akimat.status_code == 403
    assert on_akimat.json()["errors"][0]["code"] == "wrong_tenant"


def test_person_of_an_akimat_is_refused_on_the_regional_host(tokens, tenants):
    response = api(None, tokens.password("supervisor.petropavlovsk"))
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_regional"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_bearer_token_wins_over_a_session_and_needs_no_csrf(tokens, tenants, django_user_model):
    client = Client(HTTP_HOST=tenant_host("petropavlovsk"), enforce_csrf_checks=True)
    with schema_context("petropavlovsk"):
        client.force_login(django_user_model.objects.create(username="session-person"))

    response = client.post(
        "/graphql/",
        GRAPHQL_AKIMAT,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens.service('integrator-petropavlovsk')}",
    )
    me = client.get(
        "/auth/me", HTTP_AUTHORIZATION=f"Bearer {tokens.service('integrator-petropavlovsk')}"
    ).json()

    assert response.status_code == 200
    assert me["username"] == "integrator-petropavlovsk"


def test_a_bearer_request_costs_no_query_for_identity(tokens, tenants):
    token = tokens.password("operator.petropavlovsk")
    api("petropavlovsk", token)  # warms the host map and the JWKS cache

    with exact_queries(0):
        response = api("petropavlovsk", token)

    assert response.status_code == 200


def test_a_bearer_call_to_graphql_gets_no_csrf_cookie_and_a_session_call_still_does(tenants, tokens):
    # graphene-django sets a CSRF cookie on every answer; an API client has no use for one, and
    # making it was a measurable share of intake's time (decision 90).
    bearer = Client(HTTP_HOST=tenant_host("petropavlovsk"))
    answer = bearer.post(
        "/graphql/",
        GRAPHQL_AKIMAT,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens.service('integrator-petropavlovsk')}",
    )
    anonymous = Client(HTTP_HOST=tenant_host("petropavlovsk")).post(
        "/graphql/", GRAPHQL_AKIMAT, content_type="application/json"
    )

    assert answer.status_code == 200 and answer.json()["data"]["akimat"]
    assert settings.CSRF_COOKIE_NAME not in answer.cookies
    assert not answer.has_header("Set-Cookie")
    assert settings.CSRF_COOKIE_NAME in anonymous.cookies  # a page's script can still get one
