"""graphql-core's own messages (syntax, validation, a variable of the wrong type) in the caller's
language, as every other message of the API.

graphql-core writes them in English only. The common ones are matched and said again through
gettext with their particulars (a field's, type's or variable's name, a line and column); one that
is not matched is said as "does not fit the schema" with graphql-core's English in
`extensions.detail`. English callers keep graphql-core's wording as it is."""

from __future__ import annotations

import re
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from graphql import GraphQLEnumType, GraphQLSchema

from apierrors.language import in_language

NOT_GRAPHQL = _("The query is not valid GraphQL: check its brackets, names and quotes.")
NOT_GRAPHQL_AT = _(
    "The query is not valid GraphQL near line {line}, column {column}: check its brackets, names and quotes."
)
DOES_NOT_FIT = _("The request does not fit the API's schema (graphql/schema.graphql).")
_NAME = r"[_A-Za-z][_0-9A-Za-z]*"
_TYPE = r"[^']+"
PATTERNS: tuple[tuple[re.Pattern[str], Promise], ...] = tuple(
    (re.compile(pattern, re.DOTALL), message)
    for pattern, message in (
        (
            rf"^Cannot query field '(?P<field>{_NAME})' on type '(?P<type>{_NAME})'\.",
            _("Type {type} has no field {field}."),
        ),
        (
            rf"^Unknown argument '(?P<argument>{_NAME})' on field '(?P<field>[\w.]+)'\.",
            _("Field {field} has no argument {argument}."),
        ),
        (
            rf"^Field '(?P<field>[\w.]+)' argument '(?P<argument>{_NAME})' "
            rf"of type '(?P<type>{_TYPE})' is required",
            _("Field {field} needs its argument {argument} ({type})."),
        ),
        (
            rf"^Variable '\$(?P<name>{_NAME})' of required type '(?P<type>{_TYPE})' was not provided\.",
            _("The variable ${name} ({type}) is required but was not sent."),
        ),
        (
            rf"^Field '(?P<field>{_NAME})' of type '(?P<type>{_TYPE})' must have a selection of subfields\.",
            _("Field {field} ({type}) needs the fields to return, in braces."),
        ),
        (
            rf"^Field '(?P<field>{_NAME})' must not have a selection "
            rf"since type '(?P<type>{_TYPE})' has no subfields\.",
            _("Field {field} ({type}) has no fields of its own: remove the braces."),
        ),
        (rf"^Unknown type '(?P<type>{_NAME})'\.", _("There is no type {type}.")),
        (
            rf"^Variable '\$(?P<name>{_NAME})' is not defined",
            _("The variable ${name} is used but not declared."),
        ),
        (
            rf"^Variable '\$(?P<name>{_NAME})' is never used",
            _("The variable ${name} is declared but not used."),
        ),
        (
            rf"^The value is not one of the (?P<enum>{_NAME}) enum's values: "
            rf"(?P<values>{_NAME}(?:, {_NAME})*)\.$",
            _("The value is not one of {enum}'s values: {values}."),
        ),
        (
            rf"^The value is not one of the (?P<enum>{_NAME}) enum's values\.$",
            _("The value is not one of {enum}'s values."),
        ),
        (rf"^(?P<type>{_NAME}) cannot represent ", _("The value is not a valid {type}.")),
        (rf"^Expected value of type '(?P<type>{_TYPE})', found ", _("The value is not a valid {type}.")),
        (
            rf"^Field '(?P<field>{_NAME})' of required type '(?P<type>{_TYPE})' was not provided\.",
            _("The input's field {field} ({type}) is required."),
        ),
        (
            rf"^Field '(?P<field>{_NAME})' is not defined by type '(?P<type>{_NAME})'\.",
            _("Type {type} has no input field {field}."),
        ),
        (
            rf"^Expected type '(?P<type>{_TYPE})' to be an object\.",
            _("The value must be an object of type {type}."),
        ),
        (rf"^Unknown fragment '(?P<name>{_NAME})'\.", _("There is no fragment {name}.")),
        (
            r"^Must provide operation name if query contains multiple operations\.",
            _("The document holds several operations: name the one to run (operationName)."),
        ),
        (rf"^Unknown operation named '(?P<name>{_NAME})'\.", _("The document has no operation {name}.")),
        # The limits our own validation rules add (graphql_view, graphene's).
        (
            r"^Cannot query '__\w+': introspection is disabled\.",
            _("Introspection is off: the schema is graphql/schema.graphql in the repository."),
        ),
        (
            r"^Too many aliases: at most (?P<limit>\d+) per request\.",
            _("Too many aliases: at most {limit} a request."),
        ),
        (
            r"^Too many fields selected: at most (?P<limit>\d+) per request\.",
            _("Too many fields selected: at most {limit} a request."),
        ),
        (
            rf"^'(?P<name>{_NAME})' exceeds maximum operation depth of (?P<limit>\d+)\.",
            _("The query is nested too deep: at most {limit} levels."),
        ),
    )
)
_NOT_IN_ENUM = re.compile(rf"The value is not one of the (?P<enum>{_NAME}) enum's values\.$")
# "$input.channel: <reason>": the place in the variables, then what is wrong there.
_PLACE = re.compile(r"^(?P<place>\$[\w.\[\]]+): (?P<reason>.*)$", re.DOTALL)


def _said(english: str, error: Any) -> Promise | None:
    if english.startswith("Syntax Error:"):
        location = (getattr(error, "locations", None) or [None])[0]
        if location is None:
            return NOT_GRAPHQL
        return format_lazy(NOT_GRAPHQL_AT, line=location.line, column=location.column)
    for pattern, message in PATTERNS:
        found = pattern.match(english)
        if found:
            return format_lazy(message, **found.groupdict())
    return None


def with_enum_values(english: str, schema: GraphQLSchema) -> str:
    """The enum's values after its name, so that a refused value says what to send instead (the
    echo of the input is gone by now; the values are the schema's words, not the caller's)."""
    found = _NOT_IN_ENUM.search(english)
    enum = schema.get_type(found["enum"]) if found else None
    if not isinstance(enum, GraphQLEnumType):
        return english
    values = ", ".join(name for name, value in enum.values.items() if not value.deprecation_reason)
    return f"{english[:-1]}: {values}."


def in_callers_language(english: str, error: Any, language: str | None) -> tuple[str, str | None]:
    """(message, detail): graphql-core's English said in `language` (both halves when None); the
    English itself as the detail when no pattern knows it (never for English callers)."""
    if language == "en":
        return english, None
    place = _PLACE.match(english)
    reason = place["reason"] if place else english
    said = _said(reason, error)
    if said is None:
        return in_language(DOES_NOT_FIT, language), english
    text = in_language(said, language)
    return (f"{place['place']}: {text}" if place else text), None
