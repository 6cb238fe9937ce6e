"""An explicit null for an optional input field that has a default means the default, in every
input type of both schemas.

GraphQL hands a resolver `null` when the caller wrote `comment: null`, and the default only when the
field is left out; graphene's input objects pass that `None` on as the field's value. The actions
behind the mutations take `comment: str = ""` and the like, so `None` reached a string column or a
`.strip()` and the call ended in `internal_error`. Callers (and generated clients, which often send
every field) mean "nothing" by both, so the API treats them alike, as graphql/README.md says; root
arguments do the same in their resolvers (tests/appeals/test_explicit_nulls.py).
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import graphene
from graphene.types.inputobjecttype import InputObjectTypeContainer
from graphql import GraphQLInputObjectType, Undefined


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


def apply(schema: graphene.Schema) -> graphene.Schema:
    """Every input object of `schema` coerced into a container of its own with nulls as defaults."""
    for named in schema.graphql_schema.type_map.values():
        graphene_type = getattr(named, "graphene_type", None)
        if not isinstance(named, GraphQLInputObjectType) or graphene_type is None:
            continue
        defaults = {
            field.out_name or name: field.default_value
            for name, field in named.fields.items()
            if field.default_value is not Undefined and field.default_value is not None
        }
        if not defaults:
            continue
        attributes = {"_defaults": defaults}
        # What graphql-core builds each input with (graphene's own options are frozen).
        named.out_type = type(graphene_type.__name__, (NullsAsDefaults, graphene_type), attributes)
    return schema
