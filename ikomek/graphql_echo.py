"""GraphQL's own messages for a request that does not fit the schema, without the input they echo.

graphql-core writes the offending value into its messages ("Variable '$input' got invalid value
{...whole input, phone included...}", "Int cannot represent non-integer value: '+7705…'"). The
caller sent it and knows it; an answer that repeats it ends up in logs and proxies. The value is
dropped, the place in the input (`$input.applicantPhone`) is kept as the error's field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError

_AT = re.compile(r"^Variable '\$(?P<name>\w+)' got invalid value .*? at '(?P<path>[^']+)'$", re.DOTALL)
_WHOLE = re.compile(r"^Variable '\$(?P<name>\w+)' got invalid value ", re.DOTALL)
_REPRESENT = re.compile(r"(cannot represent[^:]*?)(?: value)?: .*$", re.DOTALL)
_ENUM = re.compile(
    r"^(?:Value .* does not exist in '(?P<enum>\w+)' enum\.|Enum '(?P<other>\w+)' cannot represent )",
    re.DOTALL,
)
SHORTEST_ECHO = 4  # shorter strings ("KK", "1") are schema words as often as input


def _reason(text: str) -> str:
    text = _REPRESENT.sub(r"\1 value.", text)
    enum = _ENUM.match(text)
    if enum:
        return f"The value is not one of the {enum['enum'] or enum['other']} enum's values."
    return text


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def without_echo(error: Exception, message: str, variables: object) -> tuple[str, str | None]:
    """(message, field): the message with the input's values taken out, and the input's path."""
    field = None
    original = getattr(error, "original_error", None)
    if isinstance(error, GraphQLError) and isinstance(original, GraphQLError) and _WHOLE.match(message):
        prefix = message[: -len(original.message) - 2] if message.endswith(original.message) else ""
        located = _AT.match(prefix)
        field = f"${located['path']}" if located else f"${_WHOLE.match(message)['name']}"
        message = f"{field}: {_reason(original.message)}"
    else:
        message = _reason(message)
    for text in sorted(set(_strings(variables)), key=len, reverse=True):
        if len(text) >= SHORTEST_ECHO and text in message:
            message = message.replace(text, "…")
    return message, field
