"""GraphQL errors whose message is rendered in the caller's language when the answer is written.

A resolver raises `api_error(message, code=..., field=...)` with a lazy gettext message (or a
"kk / ru" text); the error carries it, and the view's `format_error` renders it for the caller's
Accept-Language. Without one, the message is Kazakh and Russian both, as it always was.
"""

from __future__ import annotations

from django.utils.functional import Promise
from graphql import GraphQLError, Node

from apierrors.language import both_languages, in_language


def api_error(message: str | Promise, node: Node | None = None, **extensions: object) -> GraphQLError:
    error = GraphQLError(both_languages(message), node, extensions=extensions)
    error.text = message  # type: ignore[attr-defined]  # the original, for the caller's language
    return error


def message_for(error: Exception, formatted: str, language: str | None, code: str | None = None) -> str:
    """The error's message in `language`: its carried original when it has one (also when graphql
    wrapped it with a location), else the formatted text's asked half."""
    for candidate in (error, getattr(error, "original_error", None)):
        text = getattr(candidate, "text", None)
        if text is not None:
            return in_language(text, language, code)
    return in_language(formatted, language, code)
