"""The API's versioning policy as checks (graphql/README.md "Versions and deprecation"): nothing a
client may use disappears or changes type without notice, and every deprecation names the day
after which it may go."""

from __future__ import annotations

import datetime
import re

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLSchema
from graphql.utilities import build_schema, find_breaking_changes, print_schema

# "Removed after 2027-06-30: use `appeals(changedSince:)`." The day is at least six months after the
# release that deprecated it.
REMOVAL = re.compile(r"Removed after (\d{4}-\d{2}-\d{2})")


def breaking_changes(baseline: GraphQLSchema, served: GraphQLSchema) -> list[str]:
    # Both sides from their SDL: graphene's scalar classes would otherwise read as a change of kind.
    now = build_schema(print_schema(served))
    return [f"{change.type.name}: {change.description}" for change in find_breaking_changes(baseline, now)]


def _deprecations(schema: GraphQLSchema):
    for name, kind in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(kind, GraphQLObjectType):
            for field_name, field in kind.fields.items():
                yield f"{name}.{field_name}", field.deprecation_reason
                for arg_name, arg in field.args.items():
                    yield f"{name}.{field_name}({arg_name})", arg.deprecation_reason
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                yield f"{name}.{field_name}", field.deprecation_reason
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                yield f"{name}.{value_name}", value.deprecation_reason


def deprecation_problems(schema: GraphQLSchema) -> list[str]:
    """Deprecations that do not say when the thing goes ("Removed after YYYY-MM-DD")."""
    problems = []
    for where, reason in _deprecations(schema):
        if reason is None:
            continue
        found = REMOVAL.search(reason)
        if found is None:
            problems.append(f"{where}: the reason names no removal day ({reason!r})")
            continue
        try:
            datetime.date.fromisoformat(found.group(1))
        except ValueError:
            problems.append(f"{where}: {found.group(1)} is not a day")
    return problems
