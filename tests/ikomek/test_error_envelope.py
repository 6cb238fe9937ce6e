# ruff: noqa: RUF001  (Kazakh and Russian messages that name GraphQL types and fields in Latin letters)
"""One error envelope for what Django, the host routing and graphql-core answer by themselves:
a stable code, a message in the caller's language, nothing internal, nothing of the input echoed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from testkit.identities import user_with_roles

HOST = "petropavlovsk.localhost"


@pytest.fixture
def inside_petropavlovsk(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def the_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors"}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == error["code"]
    return error


def test_an_upload_without_credentials_or_csrf_token_gets_the_envelope_not_djangos_page(inside_petropavlovsk):
    browser = Client(HTTP_HOST=HOST, enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user_with_roles("envelope-operator", "operator"))
    error = the_error(browser.post("/appeals/1/attachments", {"file": "x"}), 403)
    assert error["code"] == "csrf_failed"
    assert "X-CSRFToken" in error["message"] and "Authorization: Bearer" in error["message"]
    # A console page keeps Django's own page.
    page = browser.post("/console/intake/", {"phone": "1"})
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("host", "content_type"), [(HOST, "application/json"), ("localhost", "application/graphql")]
)
def test_a_body_over_the_limit_is_too_large_without_naming_settings(tenants, host, content_type):
    body = json.dumps({"query": "{ __typename }", "pad": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="ru").post(
        "/graphql/", body, content_type=content_type
    )
    error = the_error(response, 413)
    assert (error["code"], error["message"]) == ("too_large", "Тело запроса слишком большое.")
    assert "DATA_UPLOAD" not in response.content.decode() and "settings" not in response.content.decode()


@pytest.mark.parametrize("host", [HOST, "localhost"])
def test_json_nested_thousands_deep_is_refused_not_a_server_error(tenants, host):
    # 10 KB, anonymous: Python's parser gives up with a RecursionError past about a thousand levels.
    body = '{"query": "{ __typename }", "variables": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="ru").post(
        "/graphql/", body, content_type="application/json"
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert (error["extensions"]["code"], error["message"]) == (
        "invalid_request",
        "Тело JSON вложено слишком глубоко.",
    )


def test_a_variable_of_the_wrong_type_is_refused_without_echoing_the_input(tenants):
    query = "mutation($i: CreateAppealInput!) { createAppeal(input: $i) { created } }"
    variables = {
        "i": {
            "channel": "+77051239876",
            "description": "Улица Абая, 15, кв. 7",
            "applicantPhone": "+77051239876",
            "applicantName": 5,
        }
    }
    response = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en").post(
        "/graphql/", {"query": query, "variables": variables}, content_type="application/json"
    )
    text = response.content.decode()
    assert "77051239876" not in text and "Абая" not in text
    errors = response.json()["errors"]
    assert {(e["extensions"]["code"], e["extensions"]["field"]) for e in errors} == {
        ("invalid_request", "$i.channel"),
        ("invalid_request", "$i.applicantName"),
    }
    messages = {e["extensions"]["field"]: e["message"] for e in errors}
    values = "LANDLINE, MOBILE, WEB, MOBILE_APP, API, WALK_IN"  # what to send instead
    assert (
        messages["$i.channel"]
        == f"$i.channel: The value is not one of the AppealChannel enum's values: {values}."
    )
    assert messages["$i.applicantName"] == "$i.applicantName: String cannot represent a non string value."
    kazakh = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="kk").post(
        "/graphql/", {"query": query, "variables": variables}, content_type="application/json"
    )
    said = {e["extensions"]["field"]: e["message"] for e in kazakh.json()["errors"]}
    assert said["$i.channel"] == (
        f"$i.channel: Мән AppealChannel тізіміндегі мәндердің бірі емес; рұқсат етілген мәндер: {values}."
    )
    assert said["$i.applicantName"] == "$i.applicantName: Мән String типіне сай емес."
    assert "77051239876" not in kazakh.content.decode()
    russian = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="ru").post(
        "/graphql/",
        {"query": query, "variables": {"i": {**variables["i"], "channel": "PHONE"}}},
        content_type="application/json",
    )
    said = {e["extensions"]["field"]: e["message"] for e in russian.json()["errors"]}
    assert (
        said["$i.channel"]
        == f"$i.channel: Значение не входит в перечень AppealChannel; допустимые значения: {values}."
    )


def test_an_enum_value_written_into_the_query_or_sent_as_a_number_lists_the_values_too(tenants):
    values = "LANDLINE, MOBILE, WEB, MOBILE_APP, API, WALK_IN"
    create = (
        'mutation%s { createAppeal(input: {channel: %s, description: "x", applicantPhone: "+77051234567"})'
        " { created } }"
    )
    for declared, channel, variables in (
        ("", "PHONE", {}),
        ("", '"WEB"', {}),
        ("($c: AppealChannel!)", "$c", {"c": 3}),
    ):
        response = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="kk").post(
            "/graphql/",
            {"query": create % (declared, channel), "variables": variables},
            content_type="application/json",
        )
        said = [e["message"] for e in response.json()["errors"] if "AppealChannel" in e["message"]]
        assert said and said[0].endswith(
            f"Мән AppealChannel тізіміндегі мәндердің бірі емес; рұқсат етілген мәндер: {values}."
        ), response.json()


def test_a_scalar_refused_in_the_document_does_not_echo_it_either(tenants):
    response = Client(HTTP_HOST=HOST).post(
        "/graphql/",
        {"query": "query($f: Int) { appeals(first: $f) { totalCount } }", "variables": {"f": "+77051239876"}},
        content_type="application/json",
    )
    (error,) = response.json()["errors"]
    assert "77051239876" not in error["message"]
    assert error["extensions"] == {"code": "invalid_request", "field": "$f"}


@pytest.mark.parametrize("cursor", ["abc", "!!!", "eyJ4IjoxfQ", "W10="])
def test_a_made_up_cursor_is_invalid_cursor_with_no_python_text(inside_petropavlovsk, cursor):
    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(user_with_roles("envelope-reader", "operator"))
    response = client.post(
        "/graphql/",
        {
            "query": "query($a: String) { appeals(first: 5, after: $a) { totalCount } }",
            "variables": {"a": cursor},
        },
        content_type="application/json",
    )
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "invalid_cursor", "field": "after"}
    assert error["message"] == "не курсор этого списка"
    assert "padding" not in error["message"] and "Error" not in error["message"]


def test_an_unknown_api_path_is_not_found_in_the_envelope(tenants):
    error = the_error(Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="kk").get("/appeals/no-such-thing"), 404)
    assert (error["code"], error["message"]) == ("not_found", "Бұл мекенжайда ештеңе жоқ.")
