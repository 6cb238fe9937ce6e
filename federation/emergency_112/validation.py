"""Every document sent or received is validated against the JSON Schemas in `schemas/`.

An invalid document is refused with `DocumentInvalid`, which carries the schema's own errors:
a JSON Pointer to the offending member and jsonschema's message, most relevant first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from appeals.rules.text import INVALID_CHARACTERS, storable

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
REQUEST_FOR_SERVICE_SCHEMA = "request-for-service.v1.schema.json"
CAD_STATUS_SCHEMA = "cad-status.v1.schema.json"

_formats = FormatChecker(formats=("uuid",))


@_formats.checks("date-time", raises=ValueError)
def _is_rfc3339(value: object) -> bool:
    # jsonschema checks date-time only with an optional extra package; an offset is required here.
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        raise ValueError("not an RFC 3339 date-time")
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00")).tzinfo is not None


@dataclass(frozen=True)
class SchemaError:
    path: str  # JSON Pointer into the document, "" for the root
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


class DocumentInvalid(ValueError):
    """A document that does not satisfy its schema (or a rule the schema cannot express)."""

    def __init__(self, errors: list[SchemaError], code: str = "schema_invalid") -> None:
        self.errors = errors
        self.code = code
        super().__init__("; ".join(str(error) for error in errors[:5]))

    @property
    def first(self) -> SchemaError:
        return self.errors[0]

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": str(self.first),
            "errors": [{"path": error.path, "message": error.message} for error in self.errors[:20]],
        }


def pointer(parts: object) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


@cache
def schema_document(schema_name: str) -> dict[str, object]:
    """One of our JSON Schemas as a dict (also the federation payload schema of the forward)."""
    schema = json.loads((SCHEMA_DIR / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def validator_for(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator(schema_document(schema_name), format_checker=_formats)


def _format(name: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return _formats.conforms(value, name)

    return check


@cache
def accepts_for(schema_name: str) -> Callable[[object], bool]:
    """Whether a document is valid, several hundred times faster than `validator_for` (jsonschema-rs,
    compiled from Rust: about 0.01 ms for a requestForService against 5-10 ms, decision 90). It
    answers for valid documents only; what it refuses is judged by `validator_for`, the authority
    and the source of the messages. The formats `validator_for` checks are checked by the same
    functions here; any other format it checks too, which can only send a document to the authority."""
    fast = jsonschema_rs.Draft202012Validator(
        schema_document(schema_name),
        validate_formats=True,
        formats={name: _format(name) for name in _formats.checkers},
    )
    return fast.is_valid


def _validate(document: object, schema_name: str) -> None:
    if accepts_for(schema_name)(document):
        return
    errors: list[ValidationError] = list(validator_for(schema_name).iter_errors(document))
    if errors:
        best = best_match(errors)
        rest = sorted((e for e in errors if e is not best), key=lambda e: pointer(e.absolute_path))
        raise DocumentInvalid([SchemaError(pointer(e.absolute_path), e.message) for e in [best, *rest]])


def validate_request_for_service(document: object) -> None:
    _validate(document, REQUEST_FOR_SERVICE_SCHEMA)


def validate_cad_status(document: object) -> None:
    _validate(document, CAD_STATUS_SCHEMA)


def parse_json(body: bytes) -> object:
    """Bytes from the wire to JSON, refusing non-UTF-8 and malformed JSON with a clear error, and
    text PostgreSQL would refuse to store (`invalid_characters`, with its path)."""
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise DocumentInvalid([SchemaError("", "body is not UTF-8")]) from None
    except json.JSONDecodeError as error:  # its own words are about the JSON only: line and column
        raise DocumentInvalid([SchemaError("", f"body is not JSON: {error}")]) from None
    except RecursionError:  # [[[[...]]]]: thousands of levels in a few kilobytes
        raise DocumentInvalid([SchemaError("", "body is JSON nested too deeply")]) from None
    unstorable = next(_unstorable(document, ()), None)
    if unstorable is not None:
        raise DocumentInvalid(
            [SchemaError(pointer(unstorable), "text with NUL or a lone surrogate cannot be stored")],
            code=INVALID_CHARACTERS,
        )
    return document


def _unstorable(value: object, path: tuple) -> Iterator[tuple]:
    if isinstance(value, str):
        if not storable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _unstorable(key, path) if not storable(key) else _unstorable(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, (*path, index))
