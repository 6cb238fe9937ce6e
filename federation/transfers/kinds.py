"""The transfer messages, their payloads, and their handlers in the receiving akimat's schema."""

from __future__ import annotations

import datetime
from typing import Any

from appeals import actions
from appeals.errors import AppealError
from federation.messaging import endpoints
from federation.messaging.errors import PermanentError, UnknownSource
from federation.messaging.handlers import Envelope, TargetScope, register
from federation.transfers.files import ATTACHMENT_SCHEMA, carried_files
from tenants.models import Akimat

TRANSFER_KIND = "appeals.transfer"
STATUS_KIND = "appeals.transfer_status"

_TEXT = {"type": "string", "maxLength": 5000}
_EVENT = {
    "type": "object",
    "properties": {
        "kind": {"type": "string"},
        "transition": {"type": "string"},
        "from_status": {"type": "string"},
        "to_status": {"type": "string"},
        "actor_name": {"type": "string"},
        "actor_role": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "comment": {"type": "string"},
    },
    "required": ["kind", "at"],
}
# The appeal as its citizen gave it: the receiving 109 line calls the citizen back, so the applicant
# travels with it (between two akimats' 109 services, never to the region).
TRANSFER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "origin_number": {"type": "integer", "minimum": 1},
        "channel": {"type": "string", "minLength": 1, "maxLength": 12},
        "description": _TEXT,
        "applicant_phone": {"type": "string", "maxLength": 16},
        "applicant_name": {"type": "string", "maxLength": 200},
        "applicant_iin": {"type": "string", "maxLength": 12},
        "applicant_language": {"type": "string", "enum": ["", "kk", "ru"]},
        "address": {"type": "string", "maxLength": 300},
        "longitude": {"type": ["number", "null"]},
        "latitude": {"type": ["number", "null"]},
        "object_key": {"type": "string", "maxLength": 100},
        "category_code": {"type": "string", "maxLength": 60},
        "priority": {"type": "string", "maxLength": 10},
        "received_at": {"type": "string", "format": "date-time"},
        "reason": _TEXT,
        "history": {"type": "array", "items": _EVENT, "maxItems": 500},
        "attachments": {"type": "array", "items": ATTACHMENT_SCHEMA, "maxItems": 50},
    },
    "required": ["origin_number", "channel", "description", "applicant_phone", "received_at", "reason"],
    "additionalProperties": False,
}
STATUS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "origin_number": {"type": "integer", "minimum": 1},
        "number": {"type": "integer", "minimum": 1},
        "status": {"type": "string", "minLength": 1, "maxLength": 20},
        "changed_at": {"type": "string", "format": "date-time"},
        # Set when the receiver passed the appeal on: where it is handled now (number once known).
        "handled_by": {
            "type": ["object", "null"],
            "properties": {
                "akimat": {"type": "string", "minLength": 1, "maxLength": 40},
                "number": {"type": ["integer", "null"], "minimum": 1},
            },
            "required": ["akimat", "number"],
            "additionalProperties": False,
        },
    },
    "required": ["origin_number", "number", "status", "changed_at"],
    "additionalProperties": False,
}


def _sender(envelope: Envelope) -> Akimat:
    akimat = endpoints.lookup([envelope.source_schema]).get(envelope.source_schema)
    if akimat is None or akimat.is_region:
        raise UnknownSource(f"{envelope.kind} must come from an akimat, not {envelope.source_schema!r}")
    return akimat


def apply_transfer(envelope: Envelope) -> None:
    """In the receiving akimat: a new appeal with the sender's number, history and files."""
    sender = _sender(envelope)
    data = actions.TransferredAppeal(**envelope.payload)
    try:
        with carried_files(envelope.source_schema, data.attachments) as (files, lost):
            actions.receive_transfer(sender, data, files=files, lost_files=lost)
    except AppealError as error:
        raise PermanentError(f"{TRANSFER_KIND}: {error}") from error


def apply_transfer_status(envelope: Envelope) -> None:
    """In the sending akimat: the receiver's appeal changed status."""
    payload = envelope.payload
    try:
        actions.record_transfer_progress(
            _sender(envelope),
            payload["origin_number"],
            number=payload["number"],
            status=payload["status"],
            changed_at=datetime.datetime.fromisoformat(payload["changed_at"]),
            handled_by=(payload.get("handled_by") or {}).get("akimat"),
            handled_by_number=(payload.get("handled_by") or {}).get("number"),
        )
    except AppealError as error:
        raise PermanentError(f"{STATUS_KIND}: {error}") from error


def register_kinds() -> None:
    register(TRANSFER_KIND, apply_transfer, payload_schema=TRANSFER_SCHEMA, targets=TargetScope.TENANT)
    register(STATUS_KIND, apply_transfer_status, payload_schema=STATUS_SCHEMA, targets=TargetScope.TENANT)
