"""What the regional API's resolvers share: the permission check, typed user errors, keyset cursors,
and per-request lookups (registry, category names) that cost one query per request at most."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import graphene
from django.utils.functional import Promise
from graphql import FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode

from accounts.permissions import Operation, can, refusal
from accounts.principal import Principal
from apierrors.graphql import api_error
from apierrors.language import in_language, requested_language
from regional.errors import RegionalError
from regional.models import CategoryLabel
from tenants.schema import registry

DEFAULT_PAGE = 20
MAX_PAGE = 100


class UserError(graphene.ObjectType):
    """Something the caller can fix: which input (`field`, null for the whole request), a stable
    `code`, and a message in the caller's language (Accept-Language; Kazakh and Russian both
    without one)."""

    field = graphene.String()
    code = graphene.String(required=True)
    message = graphene.String(required=True)

    @staticmethod
    def resolve_message(parent: UserError, info: graphene.ResolveInfo) -> str:
        return in_language(parent.message, requested_language(info.context), parent.code)


def user_errors(error: RegionalError) -> list[UserError]:
    return [UserError(field=p.field, code=p.code, message=p.message) for p in error.problems]


def bad_input(field: str, code: str, message: str | Promise) -> GraphQLError:
    return api_error(message, code=code, field=field)


def require(info: graphene.ResolveInfo, operation: Operation = Operation.REGIONAL_VIEW) -> Principal:
    principal = info.context.principal
    if not can(principal, operation):
        raise api_error(refusal(principal, operation), code="forbidden")
    return principal


def as_input_error(error: RegionalError) -> GraphQLError:
    problem = error.problems[0]
    return bad_input(problem.field or "", problem.code, problem.message)


# ------------------------------------------------------------------ per-request lookups


def schema_of(info: graphene.ResolveInfo, slug: str | None) -> str | None:
    """The schema of an akimat named by slug; a typed error for an unknown one."""
    if not slug:
        return None
    akimat = registry(info).by_slug.get(slug)
    if akimat is not None and not akimat.is_sandbox:  # the sandbox has no regional figures
        return akimat.schema_name
    raise bad_input("akimat", "unknown_akimat", f"{slug!r}: мұндай әкімдік жоқ / нет такого акимата")


def labels(info: graphene.ResolveInfo) -> dict[str, CategoryLabel]:
    cached = getattr(info.context, "_regional_labels", None)
    if cached is None:
        cached = {label.code: label for label in CategoryLabel.objects.all()}
        info.context._regional_labels = cached
    return cached


# ------------------------------------------------------------------ keyset pagination


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise bad_input("first", "invalid_page_size", f"first: 1-{MAX_PAGE} аралығында / от 1 до {MAX_PAGE}")
    return first


def encode_cursor(key: datetime.datetime | None, pk: int) -> str:
    raw = key.isoformat() if key is not None else None
    return base64.urlsafe_b64encode(json.dumps([raw, pk]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    """The key and id a cursor holds; anything else is refused without echoing why the decoder
    choked (its words can be the codec's), nor reaching the database out of its range."""
    try:
        raw, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        key = datetime.datetime.fromisoformat(raw)
        key.astimezone(datetime.UTC)  # OverflowError beyond year 1-9999 in UTC
        if not 0 < int(pk) < 2**63:
            raise ValueError(pk)
        return key, int(pk)
    except (ValueError, TypeError, OverflowError):
        raise bad_input(
            "after", "invalid_cursor", "бұл тізімнің курсоры емес / не курсор этого списка"
        ) from None


def _fields(selection_set: Any, info: graphene.ResolveInfo) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else []:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found += _fields(selection.selection_set, info)
        elif isinstance(selection, FragmentSpreadNode):
            found += _fields(info.fragments[selection.name.value].selection_set, info)
    return found


def selected(info: graphene.ResolveInfo, *path: str) -> set[str]:
    """Names of the fields selected at `path` below the current field (e.g. "edges", "node")."""
    nodes = list(info.field_nodes)
    for name in path:
        nodes = [f for node in nodes for f in _fields(node.selection_set, info) if f.name.value == name]
    return {f.name.value for node in nodes for f in _fields(node.selection_set, info)}
