"""Well-typed stand-in variables for any GraphQL operation, made from the schema: enough for the
server to get past parsing and variable coercion, so what answers is the resolver (its permission
check first). Values are plausible, not meaningful: a number that names no appeal, the region's
centre as a point."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    Undefined,
    parse,
    type_from_ast,
)

SCALARS: dict[str, Any] = {
    "Int": 1,
    "Float": 54.87,
    "String": "stand-in",
    "Boolean": False,
    "ID": "QXBwZWFsVHlwZTox",
    "DateTime": "2026-01-15T10:00:00+05:00",
    "Date": "2026-01-15",
    "UUID": "00000000-0000-4000-8000-000000000000",
    "JSONString": "{}",
}
# Fields whose plain stand-in would be refused as malformed before any permission check matters.
BY_NAME: dict[str, Any] = {"longitude": 69.15, "latitude": 54.87, "applicantPhone": "+7 705 123 45 67"}


def value_for(graphql_type: Any, name: str = "") -> Any:
    if isinstance(graphql_type, GraphQLNonNull):
        return value_for(graphql_type.of_type, name)
    if isinstance(graphql_type, GraphQLList):
        return [value_for(graphql_type.of_type, name)]
    if name in BY_NAME:
        return BY_NAME[name]
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return {
            field_name: value_for(field.type, field_name)
            for field_name, field in graphql_type.fields.items()
            if (isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined)
            or field_name in BY_NAME
        }
    assert isinstance(graphql_type, GraphQLScalarType), graphql_type
    return SCALARS[graphql_type.name]


def stand_in_variables(schema: GraphQLSchema, document: str) -> dict[str, Any]:
    """A value for each required variable of the document's one operation."""
    (operation,) = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    variables: dict[str, Any] = {}
    for definition in operation.variable_definitions:
        graphql_type = type_from_ast(schema, definition.type)
        if isinstance(graphql_type, GraphQLNonNull):
            variables[definition.variable.name.value] = value_for(
                graphql_type, definition.variable.name.value
            )
    return variables
