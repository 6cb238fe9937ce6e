"""An explicit null for an optional argument that has a default is answered as if the argument were
omitted, never with internal_error (the fuzz of every argument found `addressSearch(limit: null)`
failing). Every such argument of both schemas is listed here, and a test holds the list complete."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from graphql import GraphQLInputObjectType, GraphQLNonNull, Undefined

from appeals.models import Appeal, AppealEvent
from ikomek.schema import regional_schema, schema
from tenants.models import Akimat
from testkit.graphql import data_of, gql
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import appeal_in
from tests.appeals.test_graphql_query_counts import CREATE, START_WORK
from tests.regional.helpers import regional_client

# (schema, field, argument) -> (caller's role, a document taking the argument as $v)
CASES = {
    ("akimat", "addressSearch", "limit"): (
        None,
        'query($v: Int) { addressSearch(text: "Абая 12", limit: $v) { __typename } }',
    ),
    ("akimat", "nearestObjects", "withinM"): (
        None,
        "query($v: Float) { nearestObjects(location: {longitude: 69.145, latitude: 54.872}, withinM: $v)"
        " { distanceM } }",
    ),
    ("akimat", "nearestObjects", "limit"): (
        None,
        "query($v: Int) { nearestObjects(location: {longitude: 69.145, latitude: 54.872}, limit: $v)"
        " { distanceM } }",
    ),
    ("akimat", "hotspotObjects", "category"): (
        "supervisor",
        "query($v: String) { hotspotObjects(category: $v) { appeals } }",
    ),
    ("akimat", "hotspotObjects", "limit"): (
        "supervisor",
        "query($v: Int) { hotspotObjects(limit: $v) { appeals } }",
    ),
    ("akimat", "akimatKpiTimeSeries", "granularity"): (
        "analyst",
        "query($v: Granularity) { akimatKpiTimeSeries(granularity: $v) { periodStart } }",
    ),
    ("akimat", "emergencyAlarms", "includeResolved"): (
        "supervisor",
        "query($v: Boolean) { emergencyAlarms(includeResolved: $v) { raisedAt } }",
    ),
    ("akimat", "emergencyAlarms", "limit"): (
        "supervisor",
        "query($v: Int) { emergencyAlarms(limit: $v) { raisedAt } }",
    ),
    ("akimat", "recentIncomingCalls", "limit"): (
        "operator",
        "query($v: Int) { recentIncomingCalls(limit: $v) { phone } }",
    ),
    ("region", "kpiTimeSeries", "granularity"): (
        "regional_admin",
        "query($v: Granularity) { kpiTimeSeries(granularity: $v) { periodStart } }",
    ),
}


def optional_arguments_with_defaults(name: str, graphene_schema: object) -> set[tuple[str, str, str]]:
    found = set()
    graphql_schema = graphene_schema.graphql_schema
    for root in (graphql_schema.query_type, graphql_schema.mutation_type):
        for field_name, field in (root.fields if root else {}).items():
            for argument_name, argument in field.args.items():
                if argument.default_value is not Undefined and not isinstance(argument.type, GraphQLNonNull):
                    found.add((name, field_name, argument_name))
    return found


def test_every_optional_argument_with_a_default_is_listed():
    assert set(CASES) == optional_arguments_with_defaults(
        "akimat", schema
    ) | optional_arguments_with_defaults("region", regional_schema)


def caller(where: str, role: str | None, akimat: Akimat) -> Client:
    if where == "region":
        return regional_client("nulls-regional-admin", role)
    if role is None:
        return Client(HTTP_HOST="petropavlovsk.localhost")
    with tenant_context(akimat):
        return logged_in(user_with_roles(f"nulls-{role}", role))


@pytest.mark.parametrize(("where", "field", "argument"), sorted(CASES))
def test_an_explicit_null_is_answered_as_an_omitted_argument(tenants, where, field, argument):
    role, document = CASES[(where, field, argument)]
    client = caller(where, role, tenants["petropavlovsk"])

    def answer(variables: dict) -> dict:
        response = client.post(
            "/graphql/", {"query": document, "variables": variables}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()

    omitted, null = answer({}), answer({"v": None})
    assert "errors" not in null, null
    assert null == omitted


# ------------------------------------------------------------------ fields of input objects
def test_every_defaulted_input_field_takes_its_default_for_a_null():
    """Both schemas' input objects, coerced by graphql-core as a request's would be."""
    checked = 0
    for served in (schema, regional_schema):
        for named in served.graphql_schema.type_map.values():
            if not isinstance(named, GraphQLInputObjectType) or named.name.startswith("__"):
                continue
            for name, field in named.fields.items():
                if field.default_value in (Undefined, None) or isinstance(field.type, GraphQLNonNull):
                    continue
                built = named.out_type({field.out_name: None})
                assert getattr(built, field.out_name) == field.default_value, (named.name, name)
                assert built[field.out_name] == field.default_value
                checked += 1
    assert checked >= 25  # comments, the intake's optional texts, the outage's lists...


def test_a_null_comment_starts_work_as_an_omitted_one(executor_client):
    number = appeal_in("assigned").number  # in petropavlovsk, as the fixture's caller is
    answer = data_of(gql(executor_client, START_WORK, {"input": {"number": number, "comment": None}}))
    assert answer["startWork"]["appeal"]["status"] == "IN_PROGRESS"
    event = AppealEvent.objects.filter(appeal__number=number).latest("id")
    assert event.comment == ""


def test_an_intake_with_every_optional_field_null_is_taken_as_if_they_were_left_out(operator_client):
    omitted = {
        "channel": "LANDLINE",
        "description": "Нет отопления",
        "applicantPhone": "+77051234567",
        "location": {"longitude": 69.145, "latitude": 54.872},
    }
    nulls = dict.fromkeys(
        ["applicantName", "applicantIin", "address", "objectKey", "category", "clientKey", "register"]
    )
    first = data_of(gql(operator_client, CREATE, {"input": omitted}))["createAppeal"]
    second = data_of(gql(operator_client, CREATE, {"input": omitted | nulls}))["createAppeal"]
    assert first["created"] and second["created"]
    assert second["appeal"]["status"] == first["appeal"]["status"] == "RECEIVED"

    def stored(number: int) -> tuple:
        appeal = Appeal.objects.get(number=number)
        return (
            appeal.applicant_name,
            appeal.applicant_iin,
            appeal.address,
            appeal.client_key,
            appeal.category_id,
        )

    assert stored(second["appeal"]["number"]) == stored(first["appeal"]["number"]) == ("", "", "", None, None)
