"""Executors act on their own organisation's appeals only; the organisation comes from Keycloak (the
user attribute `organisation`, mapped into the access token) with real tokens and a real login."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from accounts import keycloak_realm
from accounts.claims import principal_from_claims
from accounts.models import StaffProfile
from appeals import actions
from appeals.models import Appeal
from demo.appeals import demo_fixture, executor_organisation
from demo.appeals.catalogue import ensure_demo_catalogue
from demo.dev_realm import DEMO_PASSWORD
from testkit.graphql import data_of, refusal
from tests.accounts.conftest import BrowserLogin, api, claims_of, tenant_host
from tests.appeals.conftest import OPERATOR, intake

EXECUTOR = "executor.petropavlovsk"
LIST = "{ appeals(first: 100) { totalCount edges { node { number organisation { code } } } } }"
MARK_DONE = """mutation($n: Int!) { markDone(input: {number: $n, resolution: "Заменили задвижку"}) {
    appeal { number status } errors { field code message } } }"""
START = """mutation($n: Int!) { startWork(input: {number: $n}) {
    appeal { status } errors { field code } } }"""


def graphql(token: str, query: str, variables: dict | None = None) -> dict:
    response = api(
        "petropavlovsk",
        token,
        "/graphql/",
        method="post",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def work(tenants) -> dict[str, list[int]]:
    """Petropavlovsk with its demo organisations and routes, and assigned appeals of two of them."""
    with tenant_context(tenants["petropavlovsk"]):
        ensure_demo_catalogue(demo_fixture("petropavlovsk"), {"kk": "Петропавл", "ru": "Петропавловск"})
        made: dict[str, list[int]] = {"heating": [], "cold-water": []}
        for category in ("heating", "heating", "cold-water"):
            number = intake(category=category).number
            actions.register_appeal(OPERATOR, number, assign=True)
            made[category].append(number)
    connection.set_schema_to_public()
    return made


def test_the_demo_executor_token_names_its_organisation(tokens, tenants):
    token = tokens.password(EXECUTOR)

    assert claims_of(token)["organisation"] == executor_organisation("petropavlovsk") == "heat-network"
    assert api("petropavlovsk", token).json()["organisation"] == "heat-network"
    # Other staff have no organisation: nothing to map.
    assert "organisation" not in claims_of(tokens.password("operator.petropavlovsk"))


def test_an_executor_token_sees_only_its_organisation_and_marks_its_appeal_done(tokens, work):
    token = tokens.password(EXECUTOR)
    own, other = work["heating"], work["cold-water"][0]

    listed = data_of(graphql(token, LIST))["appeals"]
    numbers = {edge["node"]["number"] for edge in listed["edges"]}
    assert set(own) <= numbers and other not in numbers
    assert {edge["node"]["organisation"]["code"] for edge in listed["edges"]} == {"heat-network"}
    assert listed["totalCount"] == len(numbers)

    assert data_of(graphql(token, START, {"n": own[0]}))["startWork"] == {
        "appeal": {"status": "IN_PROGRESS"},
        "errors": [],
    }
    done = data_of(graphql(token, MARK_DONE, {"n": own[0]}))["markDone"]
    assert done["appeal"] == {"number": own[0], "status": "DONE"}


def test_an_executor_token_is_refused_on_another_organisations_appeal(tokens, work):
    token = tokens.password(EXECUTOR)
    other = work["cold-water"][0]  # the water utility's

    refusal(graphql(token, START, {"n": other}), "forbidden", "number")
    error = refusal(graphql(token, MARK_DONE, {"n": other}), "forbidden", "number")
    assert "heat-network" in error["message"] and str(other) in error["message"]
    direct = graphql(token, "query($n: Int!) { appeal(number: $n) { number } }", {"n": other})
    assert direct["data"]["appeal"] is None
    refusal(direct, "forbidden", "number")
    with schema_context("petropavlovsk"):
        assert Appeal.objects.get(number=other).status == "assigned"  # untouched


@pytest.fixture
def executor_without_organisation(keycloak) -> str:
    """A real executor of petropavlovsk whose account names no organisation (removed afterwards)."""
    username = f"executor-{uuid.uuid4().hex[:8]}.petropavlovsk"
    user_id = keycloak.create_user(
        {
            "username": username,
            "enabled": True,
            "firstName": "Без",
            "lastName": "Организации",
            "email": f"{username}@demo.ikomek.invalid",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
            "groups": [keycloak_realm.akimat_group_path("petropavlovsk")],
        }
    )
    keycloak.assign_realm_roles(user_id, [keycloak.get_realm_role("executor")])
    yield username
    keycloak.delete_user(user_id)


def test_an_executor_token_without_an_organisation_sees_nothing_and_is_told_why(
    tokens, work, executor_without_organisation
):
    token = tokens.password(executor_without_organisation)
    assert "organisation" not in claims_of(token)

    answer = graphql(token, LIST)
    assert answer["data"] is None
    assert "organisation" in refusal(answer, "forbidden")["message"]
    refusal(graphql(token, START, {"n": work["heating"][0]}), "forbidden")


def test_only_administrators_may_set_the_organisation_attribute(keycloak):
    profile = keycloak.get_realm_users_profile()  # the running realm, imported from the realm file
    (attribute,) = [a for a in profile["attributes"] if a["name"] == keycloak_realm.ORGANISATION_ATTRIBUTE]
    assert attribute["permissions"]["edit"] == ["admin"]  # a person cannot move to another organisation
    assert attribute["multivalued"] is False


def test_the_web_login_keeps_the_organisation_for_the_session(tenants, work):
    login = BrowserLogin(tenant_host("petropavlovsk"))

    assert login.login(EXECUTOR).status_code == 302
    assert login.client.get("/auth/me").json()["organisation"] == "heat-network"
    with schema_context("petropavlovsk"):
        assert StaffProfile.objects.get(user__username=EXECUTOR).organisation == "heat-network"
    answer = login.client.post("/graphql/", {"query": LIST}, content_type="application/json").json()
    codes = {edge["node"]["organisation"]["code"] for edge in data_of(answer)["appeals"]["edges"]}
    assert codes == {"heat-network"}


@pytest.mark.parametrize(
    ("claim", "organisation"),
    [("heat-network", "heat-network"), ("  lift-service ", "lift-service"), ("", None), ("  ", None)],
)
def test_the_claim_becomes_the_principals_organisation(claim, organisation):
    claims = {
        "sub": "s",
        "iss": "i",
        "preferred_username": "p",
        "realm_access": {"roles": ["executor"]},
        "groups": ["/akimats/petropavlovsk"],
        "organisation": claim,
    }
    assert principal_from_claims(claims, "petropavlovsk").organisation == organisation
    # A list (a multivalued attribute by mistake) names no one organisation: none is taken.
    assert principal_from_claims({**claims, "organisation": [claim]}, "petropavlovsk").organisation is None
