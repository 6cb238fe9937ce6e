# ruff: noqa: RUF001  (Russian and Kazakh messages that name GraphQL, POST and GET in Latin letters)
"""What the GraphQL endpoint refuses before reading any GraphQL (no query, a query that is no text or
too long, a mutation by GET, a body that is no UTF-8): the envelope's invalid_request, with the
message in the caller's language like every other refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from ikomek.graphql_view import MAX_QUERY_LENGTH

MUTATION = 'mutation { createAppeal(input: {channel: WEB, description: "x"}) { errors { code } } }'


def refused(response, status: int) -> str:
    assert response.status_code == status, response.content
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "invalid_request"
    return error["message"]


def send(language: str) -> dict[str, str]:
    client = Client(HTTP_HOST="petropavlovsk.localhost", HTTP_ACCEPT_LANGUAGE=language)
    post = {"path": "/graphql/", "content_type": "application/json"}
    return {
        "no query": refused(client.post(data={"variables": {}}, **post), 400),
        "not text": refused(client.post(data={"query": 42}, **post), 400),
        "too long": refused(client.post(data={"query": "{" + " " * MAX_QUERY_LENGTH + "}"}, **post), 400),
        "by GET": refused(client.get("/graphql/", {"query": MUTATION}, HTTP_ACCEPT="application/json"), 405),
        "not UTF-8": refused(client.post(data=b'{"query": "\xff"}', **post), 400),
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "no query": "The request carries no GraphQL query (send it as the field query).",
                "not text": "The GraphQL query must be text.",
                "too long": f"The GraphQL query is too long: at most {MAX_QUERY_LENGTH} characters.",
                "by GET": "A mutation is sent with POST, not GET.",
                "not UTF-8": "The request body is not UTF-8.",
            },
        ),
        (
            "ru",
            {
                "no query": "В запросе нет GraphQL-запроса (передайте его в поле query).",
                "not text": "GraphQL-запрос должен быть текстом.",
                "too long": f"GraphQL-запрос слишком длинный: не более {MAX_QUERY_LENGTH} символов.",
                "by GET": "Мутация отправляется методом POST, а не GET.",
                "not UTF-8": "Тело запроса не в кодировке UTF-8.",
            },
        ),
    ],
)
def test_the_endpoints_own_refusals_are_in_the_callers_language(tenants, language, expected):
    assert send(language) == expected


def test_kazakh_and_without_a_language_both(tenants):
    kazakh = send("kk")
    assert kazakh["by GET"] == "Мутация GET арқылы емес, POST арқылы жіберіледі."
    both = send("")
    assert both["no query"] == (
        "Сұрауда GraphQL сұранымы жоқ (оны query өрісінде жіберіңіз). / "
        "В запросе нет GraphQL-запроса (передайте его в поле query)."
    )
