"""An explicit null for an optional argument or input field that has a default means the default,
in every field and input type of both schemas (decision 98).

GraphQL hands a resolver `null` when the caller wrote `limit: null` or `comment: null`, and the
default only when it is left out; graphene passes that `None` on. Resolvers and the actions behind
the mutations take `limit: int`, `comment: str = ""` and the like, so `None` reached a `min()`, a
string column or a `.strip()` and the call ended in `internal_error`. Callers (and generated
clients, which often send every field) mean "nothing" by both, so the API treats them alike, as
graphql/README.md says (tests/appeals/test_explicit_nulls.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar

import graphene
from graphene.types.inputobjecttype import InputObjectTypeContainer
from graphql import GraphQLInputObjectType, GraphQLObjectType, Undefined, default_field_resolver


class NullsAsDefaults(InputObjectTypeContainer):
    """A graphene input container that puts each defaulted field's default in place of a null."""

    # Python name -> the default graphql-core gives the field when it is left out (set per type).
    _defaults: ClassVar[dict[str, Any]] = {}

    class Meta:
        abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, default in self._defaults.items():
            if self.get(name, Undefined) is None:
                value = copy.copy(default)  # a list default is the caller's own, never shared
                self[name] = value
                setattr(self, name, value)


def _defaults_of(fields: dict[str, Any]) -> dict[str, Any]:
    """Python name -> default, for the arguments or input fields that have one other than null."""
    return {
        field.out_name or name: field.default_value
        for name, field in fields.items()
        if field.default_value is not Undefined and field.default_value is not None
    }


def _resolving_nulls_as_defaults(resolve: Callable[..., Any], defaults: dict[str, Any]) -> Callable[..., Any]:
    def resolve_with_defaults(root: Any, info: Any, **arguments: Any) -> Any:
        for name, default in defaults.items():
            if name in arguments and arguments[name] is None:
                arguments[name] = copy.copy(default)
        return resolve(root, info, **arguments)

    return resolve_with_defaults


def apply(schema: graphene.Schema) -> graphene.Schema:
    """Every field's arguments and every input object of `schema` with nulls as defaults."""
    for named in schema.graphql_schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            for field in named.fields.values():
                if defaults := _defaults_of(field.args):
                    field.resolve = _resolving_nulls_as_defaults(
                        field.resolve or default_field_resolver, defaults
                    )
            continue
        graphene_type = getattr(named, "graphene_type", None)
        if not isinstance(named, GraphQLInputObjectType) or graphene_type is None:
            continue
        if defaults := _defaults_of(named.fields):
            # What graphql-core builds each input with (graphene's own options are frozen).
            attributes = {"_defaults": defaults}
            named.out_type = type(graphene_type.__name__, (NullsAsDefaults, graphene_type), attributes)
    return schema
