"""Every text a GraphQL request carries, checked once before anything resolves, for every schema.

Strings in the document (a literal `"a\\u0000b"`) are checked by a validation rule, so they are
checked once per document (validated documents are cached); strings in the variables are walked
per request. Text that PostgreSQL cannot store (NUL, a lone surrogate) is refused as
`invalid_characters`, text longer than any field takes as `too_long`, both naming the input, so
no resolver ever sends them to the database (whose own message would come back). Everything
else about input (types, ranges, lengths per field) stays with the schema and the domain.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ArgumentNode,
    ASTValidationRule,
    GraphQLError,
    Node,
    ObjectFieldNode,
    StringValueNode,
    VariableDefinitionNode,
)

from apierrors.graphql import api_error
from appeals.rules.text import text_problem

# Longer than any text field of any schema (descriptions take 5,000), short of a request's limit.
MAX_TEXT_INPUT = 20_000


def _refusal(field: str, text: str, node: Node | None = None) -> GraphQLError | None:
    problem = text_problem(field, text, MAX_TEXT_INPUT)
    if problem is None:
        return None
    return api_error(problem.message, node, code=problem.code, field=field)


class StorableTextRule(ASTValidationRule):
    """A string literal of the document that could not be stored is refused with its argument."""

    def enter_string_value(
        self, node: StringValueNode, _key: object, parent: object, _path: object, ancestors: list
    ) -> None:
        above = [*ancestors, parent]
        names = [a.name.value for a in above if isinstance(a, ArgumentNode | ObjectFieldNode)]
        variable = next((a for a in above if isinstance(a, VariableDefinitionNode)), None)
        if variable is not None:  # a variable's default value
            names.insert(0, f"${variable.variable.name.value}")
        error = _refusal(".".join(names) or "query", node.value, node)
        if error is not None:
            self.report_error(error)


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")


def variables_refusal(variables: object) -> GraphQLError | None:
    """The first problem with the request's variables (by JSON path, `$input.description`), or None."""
    if variables is None:
        return None
    if not isinstance(variables, dict):
        return GraphQLError(
            "variables: JSON объект керек / нужен JSON-объект",
            extensions={"code": "invalid_request", "field": "variables"},
        )
    for path, text in _strings(variables, ""):
        error = _refusal(f"${path.lstrip('.')}", text)
        if error is not None:
            return error
    return None
