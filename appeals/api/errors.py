"""Typed user errors (field, code, message) for mutation payloads, and permission checks for reads:
the operation (`require_read`), then which appeals the caller reaches (`reach_of`)."""

from __future__ import annotations

import graphene
from django.utils.functional import Promise
from graphql import GraphQLError

from accounts.permissions import Operation, can, refusal
from accounts.principal import Principal
from apierrors.graphql import api_error
from apierrors.language import in_language, requested_language
from appeals.errors import AppealError
from appeals.models import Appeal
from appeals.rules.access import Reach, reach


class UserError(graphene.ObjectType):
    """Something the caller can fix: which input (`field`, camelCase; null for the whole request),
    a stable machine-readable `code` (graphql/README.md lists them), and a message in the caller's
    language (Accept-Language kk, ru or en; Kazakh and Russian both without one)."""

    field = graphene.String()
    code = graphene.String(required=True)
    message = graphene.String(required=True)
    appeal_number = graphene.Int(
        description="the other appeal the error is about: the first appeal of a reused clientKey "
        "(idempotency_conflict); null otherwise"
    )

    @staticmethod
    def resolve_message(parent: UserError, info: graphene.ResolveInfo) -> str:
        return in_language(parent.message, requested_language(info.context), parent.code)


def user_errors(error: AppealError) -> list[UserError]:
    return [
        UserError(field=p.field, code=p.code, message=p.message, appeal_number=p.appeal_number)
        for p in error.problems
    ]


def principal_of(info: graphene.ResolveInfo) -> Principal:
    return info.context.principal


def require_read(info: graphene.ResolveInfo, operation: Operation) -> Principal:
    """Reads refuse with a GraphQL error carrying `extensions.code = forbidden`."""
    principal = principal_of(info)
    if not can(principal, operation):
        raise api_error(refusal(principal, operation), code="forbidden")
    return principal


def bad_input(field: str, code: str, message: str | Promise) -> GraphQLError:
    return api_error(message, code=code, field=field)


def graphql_error(error: AppealError, **extensions: object) -> GraphQLError:
    """A domain refusal as a GraphQL error: its code and field (and any `extensions` given, such
    as `retryAfter`) in `extensions`, its message."""
    problem = error.problems[0]
    return api_error(problem.message, code=problem.code, field=problem.field, **extensions)


def reach_of(info: graphene.ResolveInfo, operation: Operation = Operation.APPEAL_VIEW) -> Reach:
    """Which appeals the caller reads: all, or its organisation's (worked out once per request).
    A caller limited to an organisation its identity does not name is refused (`forbidden`)."""
    known: dict[Operation, Reach] = info.context.__dict__.setdefault("_appeals_reach", {})
    if operation not in known:
        try:
            known[operation] = reach(principal_of(info), operation)
        except AppealError as error:
            raise graphql_error(error) from None
    return known[operation]


def require_reached(info: graphene.ResolveInfo, appeal: Appeal | None) -> Appeal | None:
    """An appeal asked for directly (by number or id) outside the caller's reach is refused."""
    if appeal is not None:
        try:
            reach_of(info).require(appeal)
        except AppealError as error:
            raise graphql_error(error) from None
    return appeal
