"""The map's refusals in GraphQL: typed user errors in mutation payloads, GraphQL errors with
`extensions.code` for reads; messages in Kazakh and Russian, as the rest of the API's."""

from __future__ import annotations

import graphene
from graphql import GraphQLError

from accounts.permissions import Operation, refusal
from apierrors.graphql import api_error
from appeals.api.errors import UserError
from appeals.errors import AppealError
from citymap.access import allowed
from citymap.errors import CityMapError


def user_errors(error: CityMapError | AppealError) -> list[UserError]:
    if isinstance(error, AppealError):
        return [UserError(field=p.field, code=p.code, message=p.message) for p in error.problems]
    # The payload's UserError renders the message in the caller's language.
    return [UserError(field=p.field, code=p.code, message=p.message) for p in error.problems]


def graphql_error(error: CityMapError) -> GraphQLError:
    problem = error.problems[0]
    return api_error(problem.message, code=problem.code, field=problem.field)


def require_read(info: graphene.ResolveInfo, operation: Operation) -> None:
    principal = info.context.principal
    if not allowed(principal, operation):
        raise api_error(refusal(principal, operation), code="forbidden")


def database_id(value: object, field: str) -> int:
    """An object's id as the API gives it (a decimal string); anything else is `invalid_id`."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise GraphQLError(
            "Мұндай идентификатор жоқ / Нет такого идентификатора",
            extensions={"code": "invalid_id", "field": field},
        )
    return int(text)
