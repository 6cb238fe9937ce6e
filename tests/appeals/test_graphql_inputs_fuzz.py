"""Issue 11: every GraphQL input of both schemas (each root field with arguments, read from the
schema itself, so a new field is fuzzed the day it is added) answers hostile values with a typed
error: NUL and lone surrogates in any text (variables or literals), other scripts' digits, numbers
beyond any range, huge text, values of the wrong type. Never a 500, never `internal_error`, never
the database's words. Against the real database, Redis and the real request path."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    get_named_type,
    is_composite_type,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from appeals.models import Appeal
from ikomek.schema import regional_schema, schema
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import appeal_in
from tests.appeals.fuzz_support import (
    FUZZ,
    HOSTILE_TEXTS,
    hostile_text,
    huge_or_odd_int,
    json_codes,
    json_value,
)
from tests.regional.helpers import regional_client

# Each root field gets fewer examples than a single entry point: there are some forty of them.
FUZZ_EACH = settings(FUZZ, max_examples=max(8, FUZZ.max_examples // 3))
# Values that reach past the argument parsing into the domain: real codes, slugs and phones.
PLAUSIBLE_TEXT = ["heating", "housing", "housing-department", "kyzylzhar", "+77051234567", "9876", "spam"]
EXTREME_TIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30T00:00:00+05:00"]


def text() -> st.SearchStrategy:
    return st.one_of(hostile_text, st.sampled_from(PLAUSIBLE_TEXT))


def value_for(type_: GraphQLInputType, numbers: list[int], *, nullable: bool = True) -> st.SearchStrategy:
    """Values of the argument's own type (mostly), hostile where the type leaves room; an explicit
    null now and then where the type allows one (tests/appeals/test_explicit_nulls.py)."""
    if isinstance(type_, GraphQLNonNull):
        return value_for(type_.of_type, numbers, nullable=False)
    if nullable:
        return st.one_of(st.none(), value_for(type_, numbers, nullable=False))
    if isinstance(type_, GraphQLList):
        return st.lists(value_for(type_.of_type, numbers), max_size=3)
    if isinstance(type_, GraphQLInputObjectType):
        required, optional = {}, {}
        for name, field in type_.fields.items():
            needed = isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
            (required if needed else optional)[name] = value_for(field.type, numbers)
        return st.fixed_dictionaries(required, optional=optional)
    if isinstance(type_, GraphQLEnumType):
        return st.one_of(st.sampled_from(list(type_.values)), hostile_text)
    scalars = {
        "String": text(),
        "ID": text(),
        "Int": st.one_of(st.sampled_from(numbers), huge_or_odd_int),
        "Float": st.one_of(st.floats(), st.sampled_from([69.145, 54.872, 1e308, -0.0])),
        "Boolean": st.booleans(),
        "DateTime": st.one_of(
            st.datetimes(timezones=st.just(datetime.UTC)).map(datetime.datetime.isoformat),
            st.sampled_from(EXTREME_TIMES),
            hostile_text,
        ),
        "Date": st.one_of(st.dates().map(datetime.date.isoformat), hostile_text),
        "JSONString": json_value.map(json.dumps),
    }
    return scalars.get(type_.name, hostile_text)


def root_fields(served: object) -> list[tuple[str, str]]:
    graphql_schema = served.graphql_schema
    roots = [("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)]
    return [(kind, name) for kind, root in roots for name, field in root.fields.items() if field.args]


def document(served: object, kind: str, name: str) -> str:
    root = served.graphql_schema.query_type if kind == "query" else served.graphql_schema.mutation_type
    field: GraphQLField = root.fields[name]
    variables = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    returned = get_named_type(field.type)
    selection = ""
    if is_composite_type(returned):
        has_errors = isinstance(returned, GraphQLObjectType) and "errors" in returned.fields
        selection = "{ __typename errors { code } }" if has_errors else "{ __typename }"
    return f"{kind} Fuzz({variables}) {{ {name}({arguments}) {selection} }}"


def hostile_variables(served: object, kind: str, name: str, numbers: list[int]) -> st.SearchStrategy:
    root = served.graphql_schema.query_type if kind == "query" else served.graphql_schema.mutation_type
    field = root.fields[name]
    # Mostly the right type (to reach the resolvers), now and then any JSON at all.
    return st.fixed_dictionaries(
        {
            arg: st.one_of(value_for(spec.type, numbers), value_for(spec.type, numbers), json_value)
            for arg, spec in field.args.items()
        }
    )


def assert_typed(response: object) -> list[str]:
    codes = json_codes(response)  # below 500, no leak, a code on every error
    assert "internal_error" not in codes, response.content[:800]
    for payload in (response.json().get("data") or {}).values():
        for error in (payload or {}).get("errors", []) if isinstance(payload, dict) else []:
            assert error["code"], payload
    return codes


# ------------------------------------------------------------------ the finding, exactly
CREATE = """
mutation Create($input: CreateAppealInput!) {
  createAppeal(input: $input) { created appeal { number } errors { field code message } }
}
"""


def test_a_nul_byte_in_a_description_is_refused_typed_and_stores_nothing(operator_client):
    """Finding: a createAppeal whose description held a NUL byte answered with PostgreSQL's own
    message as an untyped error."""
    before = Appeal.objects.count()
    variables = {
        "input": {"channel": "LANDLINE", "description": "Нет\x00 тепла", "applicantPhone": "+77051234567"}
    }
    response = operator_client.post(
        "/graphql/", {"query": CREATE, "variables": variables}, content_type="application/json"
    )
    assert response.status_code == 400 and assert_typed(response) == ["invalid_characters"]
    error = response.json()["errors"][0]
    assert error["extensions"]["field"] == "$input.description" and "недопустимый символ" in error["message"]
    assert Appeal.objects.count() == before


def test_a_nul_byte_in_a_literal_and_a_lone_surrogate_are_refused_typed(operator_client):
    literal = """mutation {
      createAppeal(input: {channel: LANDLINE, description: "a\\u0000b", applicantPhone: "+77051234567"}) {
        appeal { number }
      }
    }"""
    response = operator_client.post("/graphql/", {"query": literal}, content_type="application/json")
    assert response.status_code == 400 and assert_typed(response) == ["invalid_characters"]
    assert response.json()["errors"][0]["extensions"]["field"] == "input.description"
    surrogate = {"input": {"channel": "LANDLINE", "description": "ok", "applicantPhone": "\ud800"}}
    response = operator_client.post(
        "/graphql/", {"query": CREATE, "variables": surrogate}, content_type="application/json"
    )
    assert assert_typed(response) == ["invalid_characters"]
    assert response.json()["errors"][0]["extensions"]["field"] == "$input.applicantPhone"


def test_what_is_not_a_graphql_request_is_refused_as_such(operator_client):
    cases = [
        (json.dumps({"query": CREATE, "variables": [1, 2]}), "application/json"),
        (json.dumps({"query": 42}), "application/json"),
        (json.dumps({"query": "{ categories { code "}), "application/json"),
        (b"\xff\xfe{", "application/graphql"),
        (b"--B\r\ngarbage", "multipart/form-data"),
        (b"\xff\xfe{", "application/json"),
        (
            json.dumps(
                {"query": "query($n: Int!) { appeal(number: $n) { number } }", "variables": {"n": "²"}}
            ),
            "application/json",
        ),
    ]
    for body, content_type in cases:
        response = operator_client.generic("POST", "/graphql/", body, content_type=content_type)
        assert response.status_code == 400 and assert_typed(response) == ["invalid_request"], body


def test_an_unexpected_failure_is_internal_error_and_its_text_stays_in_the_log(anonymous_client, caplog):
    """A real fault: the database lacks the table the query reads (a schema behind the code, as
    before a migration has run). Renamed inside the test's transaction, so it is back afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE appeals_category RENAME TO appeals_category_missing")
    response = anonymous_client.post(
        "/graphql/", {"query": "{ categories { code } }"}, content_type="application/json"
    )
    assert response.status_code == 200 and json_codes(response) == ["internal_error"]
    assert response.json()["data"] is None
    assert "appeals_category" not in response.content.decode()  # not the database's words
    assert 'relation "appeals_category" does not exist' in caplog.text  # the operator still finds it


# ------------------------------------------------------------------ every argument of both schemas
@pytest.fixture
def akimat_callers(petropavlovsk) -> list[Client]:
    return [
        logged_in(user_with_roles("fuzz-supervisor", "supervisor")),
        logged_in(user_with_roles("fuzz-lawyer", "lawyer")),
        logged_in(user_with_roles("fuzz-executor", "executor", organisation="housing-department")),
        Client(HTTP_HOST="petropavlovsk.localhost"),
    ]


@pytest.fixture
def numbers(petropavlovsk) -> list[int]:
    appeals = [appeal_in(status) for status in ("received", "assigned", "done", "closed")]
    return [appeal.number for appeal in appeals] + [1, 2, 3]


@pytest.mark.parametrize(("kind", "name"), root_fields(schema))
@FUZZ_EACH
@given(data=st.data())
def test_every_argument_of_the_akimat_schema_is_answered_typed(akimat_callers, numbers, kind, name, data):
    caller = data.draw(st.sampled_from(akimat_callers), label="caller")
    variables = data.draw(hostile_variables(schema, kind, name, numbers), label="variables")
    response = caller.post(
        "/graphql/",
        {"query": document(schema, kind, name), "variables": variables},
        content_type="application/json",
        REMOTE_ADDR=data.draw(st.ip_addresses().map(str), label="address"),  # past tracking's limits
    )
    assert_typed(response)


@pytest.fixture
def region_callers(tenants) -> list[Client]:
    return [regional_client("fuzz-regional-admin", "regional_admin"), Client(HTTP_HOST="localhost")]


@pytest.mark.parametrize(("kind", "name"), root_fields(regional_schema))
@FUZZ_EACH
@given(data=st.data())
def test_every_argument_of_the_regional_schema_is_answered_typed(region_callers, kind, name, data):
    caller = data.draw(st.sampled_from(region_callers), label="caller")
    variables = data.draw(hostile_variables(regional_schema, kind, name, [1, 2, 3]), label="variables")
    response = caller.post(
        "/graphql/",
        {"query": document(regional_schema, kind, name), "variables": variables},
        content_type="application/json",
    )
    assert_typed(response)


# ------------------------------------------------------------------ intake in depth
@FUZZ
@given(
    description=st.one_of(hostile_text, st.just("Нет отопления")),
    phone=st.one_of(hostile_text, st.sampled_from(["+77051234567", "8 705 123 45 67"])),
    iin=st.one_of(hostile_text, st.sampled_from(["", "900101300017", "²" * 12, "١" * 12])),
    name=hostile_text,
    address=hostile_text,
    object_key=hostile_text,
    client_key=st.one_of(st.none(), hostile_text),
    location=st.one_of(
        st.none(),
        st.fixed_dictionaries({"longitude": st.floats(-1e9, 1e9), "latitude": st.floats(-1e9, 1e9)}),
        st.just({"longitude": 69.145, "latitude": 54.872}),
    ),
)
def test_intake_answers_any_applicant_typed_and_stores_only_what_it_accepted(
    operator_client, description, phone, iin, name, address, object_key, client_key, location
):
    fields = {
        "channel": "LANDLINE",
        "description": description,
        "applicantPhone": phone,
        "applicantIin": iin,
        "applicantName": name,
        "address": address,
        "objectKey": object_key,
        "clientKey": client_key,
        "location": location,
    }
    response = operator_client.post(
        "/graphql/", {"query": CREATE, "variables": {"input": fields}}, content_type="application/json"
    )
    codes = assert_typed(response)
    payload = (response.json().get("data") or {}).get("createAppeal")
    if codes or payload["errors"] or not payload["created"]:  # a retried client key: the first appeal
        return
    stored = Appeal.objects.get(number=payload["appeal"]["number"])
    assert stored.description == description.strip() and "\x00" not in stored.applicant_name
    assert stored.applicant_iin == "" or stored.applicant_iin.isascii()


def test_the_hostile_texts_cover_what_the_issue_names():
    assert {"\x00", "\ud800", "²"} <= set(HOSTILE_TEXTS) and max(map(len, HOSTILE_TEXTS)) > 20_000
