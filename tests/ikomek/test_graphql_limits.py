# ruff: noqa: RUF001  (Kazakh and Russian messages that name GraphQL types and fields in Latin letters)
"""The GraphQL core: documents parsed once per process, and the request limits in one place."""

from __future__ import annotations

import pytest
from django.test import Client

from ikomek.graphql_view import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, parsed_and_validated


def post(query: str, host: str = "esil.localhost", language: str = "en") -> object:
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language)
    return client.post("/graphql/", {"query": query}, content_type="application/json")


def test_the_same_document_is_parsed_and_validated_once(tenants):
    query = "{ akimat { slug kato } }"
    post(query)
    hits = parsed_and_validated.cache_info().hits
    response = post(query, host="kyzylzhar.localhost")
    assert response.json() == {"data": {"akimat": {"slug": "kyzylzhar", "kato": "595000000"}}}
    assert parsed_and_validated.cache_info().hits == hits + 1


def test_the_specification_rules_still_apply(tenants):
    # Our own limits are added to GraphQL's validation, never instead of it.
    response = post("{ akimat { slug noSuchField } }")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "Cannot query field 'noSuchField' on type 'AkimatType'." in error["message"]


def test_a_syntax_error_is_reported_not_raised(tenants):
    response = post("{ akimat { slug ")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert "Syntax Error" in error["message"]  # graphql-core's own words for an English caller
    (russian,) = post("{ akimat { slug ", language="ru").json()["errors"]
    assert russian["message"] == (
        "Запрос не является корректным GraphQL около строки 1, столбца 17: проверьте скобки, имена и кавычки."
    )
    assert russian["extensions"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("query", "kk", "ru"),
    [
        (
            "{ akimat { slug noSuchField } }",
            "AkimatType типінде noSuchField өрісі жоқ.",
            "У типа AkimatType нет поля noSuchField.",
        ),
        (
            "{ akimat }",
            "akimat өрісі (AkimatType!) қайтарылатын",
            "Для поля akimat (AkimatType!) перечислите",
        ),
        (
            "query($x: Int) { akimat { slug } }",
            "$x айнымалысы жарияланған",
            "Переменная $x объявлена, но не используется.",
        ),
        ("{ nope }", "Query типінде nope өрісі жоқ.", "У типа Query нет поля nope."),
    ],
)
def test_graphqls_own_refusals_speak_the_callers_language(tenants, query, kk, ru):
    (kazakh,) = post(query, language="kk").json()["errors"]
    (russian,) = post(query, language="ru").json()["errors"]
    assert kk in kazakh["message"] and "У типа" not in kazakh["message"]
    assert ru in russian["message"] and "Cannot" not in russian["message"]
    (both,) = post(query, language="").json()["errors"]
    assert both["message"] == f"{kazakh['message']} / {russian['message']}"  # no header: both halves
    assert "detail" not in russian["extensions"]


def test_a_refusal_no_pattern_knows_says_so_and_keeps_graphqls_words_as_detail(tenants):
    query = "fragment F on AkimatType { slug } { akimat { kato } }"  # a fragment never used
    (error,) = post(query, language="ru").json()["errors"]
    assert error["message"] == "Запрос не соответствует схеме API (graphql/schema.graphql)."
    assert error["extensions"]["detail"] == "Fragment 'F' is never used."


def test_too_many_aliases_are_refused(tenants):
    fields = " ".join(f"a{i}: akimat {{ slug }}" for i in range(MAX_ALIASES + 1))
    response = post("{ " + fields + " }")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["message"] == f"Too many aliases: at most {MAX_ALIASES} per request."
    (russian,) = post("{ " + fields + " }", language="ru").json()["errors"]
    assert russian["message"] == f"Слишком много псевдонимов: не больше {MAX_ALIASES} в одном запросе."


def test_too_deep_is_refused(tenants):
    nested = "repeats { " * MAX_QUERY_DEPTH + "number" + " }" * MAX_QUERY_DEPTH
    query = "{ appeal(number: 1) { " + nested + " } }"
    response = post(query)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert f"exceeds maximum operation depth of {MAX_QUERY_DEPTH}" in error["message"]


def test_too_long_is_refused_before_parsing(tenants):
    query = "{ akimat { slug } }" + " " * MAX_QUERY_LENGTH
    client = Client(HTTP_HOST="esil.localhost", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/graphql/", {"query": query}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        f"The GraphQL query is too long: at most {MAX_QUERY_LENGTH} characters."
    )


@pytest.mark.parametrize("host", ["esil.localhost", "localhost"])
def test_batching_is_off(tenants, host):
    response = Client(HTTP_HOST=host).post(
        "/graphql/", [{"query": "{ __typename }"}], content_type="application/json"
    )
    assert response.status_code == 400
