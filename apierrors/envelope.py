"""The one error envelope of every API answer that is not GraphQL's own result: authentication,
load shedding, an oversized body, CSRF, an unknown host, the REST endpoints beside GraphQL.

    {"errors": [{"code": "too_long", "message": "...", "field": "address",
                 "extensions": {"code": "too_long", "field": "address"}}]}

Each error is shaped as a GraphQL error is (`message`, `extensions.code`, `extensions.field`), so a
GraphQL client reads it as it reads any; `code` and `field` are repeated at the top for REST
clients. The message is in the caller's language (apierrors.language) and names nothing internal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

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
) -> HttpResponse:
    """(field, code, message) triples as one answer: this envelope, or the shape the clients of the
    request's path read (`API_ERROR_SHAPES`: Open311's list of errors, in JSON or XML)."""
    language = requested_language(request)
    objects = [error_object(code, message, field, language) for field, code, message in errors]
    shape = _shape_for(request.path) if request is not None else None
    response = shape(request, status, objects) if shape else JsonResponse({"errors": objects}, status=status)
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
) -> HttpResponse:
    return errors_response(request, status, [(field, code, message)], headers)


Shape = Callable[[HttpRequest, int, list[dict[str, object]]], HttpResponse]


def _shape_for(path: str) -> Shape | None:
    for prefix, dotted in settings.API_ERROR_SHAPES.items():
        if path.startswith(prefix):
            return _imported(dotted)
    return None


@cache
def _imported(dotted: str) -> Shape:
    # Named in settings, imported when first needed: this package imports nothing of ours.
    return import_string(dotted)
