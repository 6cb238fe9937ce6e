"""GraphQL over HTTP for tests: `gql` posts a document, and two assertions read its answer.

`data_of` is the answer of a request that must succeed: no top-level error and no typed user error in
any mutation payload. `refusal` is the answer of a request that must be refused for exactly one
reason: the code, and the field when the refusal names one, whether the API reports it as a
top-level GraphQL error (`extensions.code`, `extensions.field`) or as a mutation's typed
`errors { field code message }` (then the payload's other fields are null or empty).
"""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def gql(client: Client, query: str, variables: dict | None = None, **headers: str) -> dict:
    """POST a GraphQL document to /graphql/ on the client's host (with `headers`, as Django's test
    client takes them: HTTP_ACCEPT_LANGUAGE="en"); the answer as JSON (HTTP 200 is asserted:
    GraphQL refusals are answers, not HTTP errors)."""
    response = client.post(
        "/graphql/",
        {"query": query, "variables": variables or {}},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def _show(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False, indent=1)[:4000]


def data_of(answer: dict) -> dict[str, Any]:
    """The answer's `data`, after asserting that nothing in it was refused."""
    assert "errors" not in answer, f"GraphQL errors:\n{_show(answer)}"
    data = answer.get("data")
    assert isinstance(data, dict), f"no data:\n{_show(answer)}"
    for name, payload in data.items():
        if isinstance(payload, dict) and "errors" in payload:
            assert payload["errors"] == [], f"{name} refused:\n{_show(answer)}"
    return data


def refusal(answer: dict, code: str, field: str | None = None) -> dict[str, Any]:
    """Assert that the request was refused with exactly one error: `code`, and `field` (None: the
    refusal names no field, it is about the whole request); return that error (for its message).

    A mutation's typed errors are read from its payload (the only root field of the answer), whose
    selection must include `field`.
    """
    if "errors" in answer:
        errors = answer["errors"]
        assert len(errors) == 1, f"expected one refusal, got {len(errors)}:\n{_show(answer)}"
        (error,) = errors
        extensions = error.get("extensions") or {}
        assert extensions.get("code") == code, f"expected code {code!r}:\n{_show(answer)}"
        assert extensions.get("field") == field, f"expected field {field!r}:\n{_show(answer)}"
        return error
    data = answer.get("data") or {}
    assert len(data) == 1, f"a refusal of one mutation expected, got {sorted(data)}:\n{_show(answer)}"
    (payload,) = data.values()
    assert isinstance(payload, dict) and "errors" in payload, f"no typed errors selected:\n{_show(answer)}"
    errors = payload["errors"]
    assert len(errors) == 1, f"expected one refusal, got {len(errors)}:\n{_show(answer)}"
    (error,) = errors
    assert error["code"] == code, f"expected code {code!r}:\n{_show(answer)}"
    assert "field" in error, f"select `errors {{ field code }}` to check the field:\n{_show(answer)}"
    assert error["field"] == field, f"expected field {field!r}:\n{_show(answer)}"
    others = {key: value for key, value in payload.items() if key != "errors" and value not in (None, [])}
    assert others == {}, f"a refused mutation returned {sorted(others)}:\n{_show(answer)}"
    return error
