"""Payload checks: a compiled validator answers for valid payloads, jsonschema judges the rest."""

from __future__ import annotations

import pytest

from federation.messaging.errors import InvalidPayload
from federation.messaging.handlers import Registration, register, registration_for
from federation.read_model_feed import STATE_SCHEMA, STATUS_KIND


def _noop(_envelope: object) -> None:
    return None


def test_the_region_state_schema_is_compiled_and_refuses_what_jsonschema_refuses():
    registration = registration_for(STATUS_KIND)
    assert registration._compiled is not None
    with pytest.raises(InvalidPayload, match=r"payload at \(root\): .*'number' is a required property"):
        registration.check_payload({"version": 1}, registration.version)
    # Personal data never rides along: an extra field is refused by both validators.
    state = {name: None for name in STATE_SCHEMA["required"]}
    with pytest.raises(InvalidPayload, match=r"Additional properties are not allowed .'phone'"):
        registration.check_payload({**state, "phone": "+77051234567"}, registration.version)


def test_a_schema_with_keywords_draft_7_reads_otherwise_is_left_to_jsonschema():
    schema = {"type": "array", "prefixItems": [{"type": "integer"}], "items": False}
    registration = register(
        "test.prefix_items", _noop, payload_schema={"type": "object", "properties": {"a": schema}}
    )
    assert isinstance(registration, Registration) and registration._compiled is None
    # Draft 7 would ignore prefixItems and let ["x"] through; 2020-12 refuses it.
    with pytest.raises(InvalidPayload, match=r"payload at a/0: 'x' is not of type 'integer'"):
        registration.check_payload({"a": ["x"]}, 1)
    registration.check_payload({"a": [1]}, 1)


def test_formats_stay_annotations_in_the_fast_path_as_in_jsonschema():
    registration = register(
        "test.formats",
        _noop,
        payload_schema={"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}},
    )
    assert registration._compiled is not None
    registration.check_payload({"at": "not a time"}, 1)  # jsonschema would not check it either
