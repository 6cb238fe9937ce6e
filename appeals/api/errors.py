"""Typed user errors (field, code, message) for mutation payloads, and permission checks for reads."""

from __future__ import annotations

import graphene
from graphql import GraphQLError

from accounts.permissions import Operation, can
from accounts.principal import Principal
from appeals.errors import AppealError


class UserError(graphene.ObjectType):
    """Something the caller can fix: which input (`field`, camelCase; null for the whole request),
    a stable machine-readable `code`, and a message in Kazakh and Russian."""

    field = graphene.String()
    code = graphene.String(required=True)
    message = graphene.String(required=True)


def user_errors(error: AppealError) -> list[UserError]:
    return [UserError(field=p.field, code=p.code, message=p.message) for p in error.problems]


def principal_of(info: graphene.ResolveInfo) -> Principal:
    return info.context.principal


def require_read(info: graphene.ResolveInfo, operation: Operation) -> Principal:
    """Reads refuse with a GraphQL error carrying `extensions.code = forbidden`."""
    principal = principal_of(info)
    if not can(principal, operation):
        who = principal.username or "anonymous"
        raise GraphQLError(f"{who} may not perform {operation.value}", extensions={"code": "forbidden"})
    return principal


def bad_input(field: str, code: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, "field": field})
