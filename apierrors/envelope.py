"""The one error envelope of every API answer that is not GraphQL's own result: authentication,
load shedding, an oversized body, CSRF, an unknown host, the REST endpoints beside GraphQL.

    {"errors": [{"code": "too_long", "message": "...", "field": "address",
                 "extensions": {"code": "too_long", "field": "address"}}]}

Each error is shaped as a GraphQL error is (`message`, `extensions.code`, `extensions.field`), so a
GraphQL client reads it as it reads any; `code` and `field` are repeated at the top for REST
clients. The message is in the caller's language (apierrors.language) and names nothing internal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, JsonResponse
from django.utils.functional import Promise

from apierrors.language import in_language, requested_language


def error_object(
    code: str,
    message: str | Promise,
    field: str | None = None,
    language: str | None = None,
    **extensions: object,
) -> dict[str, object]:
    text = in_language(message, language, code)
    return {
        "code": code,
        "message": text,
        "field": field,
        "extensions": {"code": code, "field": field, **extensions},
    }


def errors_response(
    request: HttpRequest | None,
    status: int,
    errors: Iterable[tuple[str | None, str, str | Promise]],
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """(field, code, message) triples as one answer."""
    language = requested_language(request)
    body = {"errors": [error_object(code, message, field, language) for field, code, message in errors]}
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(
    request: HttpRequest | None,
    status: int,
    code: str,
    message: str | Promise,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    return errors_response(request, status, [(field, code, message)], headers)
