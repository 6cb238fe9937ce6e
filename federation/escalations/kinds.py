"""The two messages of an escalation: `appeals.escalation` (akimat -> region, handled by the regional
queue) and `regional.escalation_decision` (region -> akimat, handled here)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name

from accounts.principal import Principal
from accounts.roles import Role
from appeals import actions
from appeals.errors import AppealError
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope, TargetScope, register

ESCALATION_KIND = "appeals.escalation"
DECISION_KIND = "regional.escalation_decision"
DECISIONS = ("accept", "assign_back", "resolve")

_ACTOR = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "minLength": 1, "maxLength": 200},
        "name": {"type": "string", "maxLength": 200},
        "role": {"type": "string", "maxLength": 40},
    },
    "required": ["subject", "name", "role"],
    "additionalProperties": False,
}

# No personal data: the number, the category, the reason (phone numbers and IINs blanked out) and the
# role of who escalated; the name stays in the akimat's own history.
ESCALATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "number": {"type": "integer", "minimum": 1},
        "version": {"type": "integer", "minimum": 1},
        "rule": {"enum": ["manual", "overdue_multiple", "repeated_not_done", "regional_scope"]},
        "reason": {"type": "string", "maxLength": 5000},
        "actor_role": {"type": "string", "maxLength": 40},
        "at": {"type": "string", "format": "date-time"},
        "category": {"type": "string", "maxLength": 60},
    },
    "required": ["number", "version", "rule", "reason", "actor_role", "at", "category"],
    "additionalProperties": False,
}

DECISION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "number": {"type": "integer", "minimum": 1},
        "escalation": {"type": "integer", "minimum": 1},
        "decision": {"enum": list(DECISIONS)},
        "comment": {"type": "string", "maxLength": 5000},
        "actor": _ACTOR,
    },
    "required": ["number", "escalation", "decision", "comment", "actor"],
    "additionalProperties": False,
}


def regional_actor(actor: dict[str, str]) -> Principal:
    """The regional administrator who decided, as the actor of the appeal event here."""
    known = {role.value for role in Role}
    return Principal(
        subject=actor["subject"],
        issuer="federation",
        username=actor["subject"],
        display_name=actor["name"],
        kind="user",
        roles=frozenset({Role(actor["role"])}) if actor["role"] in known else frozenset(),
    )


def apply_decision(envelope: Envelope) -> None:
    """In the akimat's schema: the decision joins the appeal's history."""
    if envelope.source_schema != get_public_schema_name():
        raise PermanentError(
            f"{DECISION_KIND} comes only from the region, not from {envelope.source_schema!r}"
        )
    payload = envelope.payload
    try:
        actions.record_regional_decision(
            regional_actor(payload["actor"]),
            payload["number"],
            decision=payload["decision"],
            comment=payload["comment"],
            escalation_id=payload["escalation"],
        )
    except AppealError as error:
        raise PermanentError(f"{DECISION_KIND}: {error}") from error


def register_kinds() -> None:
    register(DECISION_KIND, apply_decision, payload_schema=DECISION_SCHEMA, targets=TargetScope.TENANT)
