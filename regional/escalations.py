"""The regional escalation queue: escalations arriving from the akimats, and the region's decisions.

A decision changes the queue and sends `regional.escalation_decision` to the akimat in the same
transaction, so the appeal's history there shows it (or nothing happened at all).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.permissions import MATRIX, Operation, can, refusal
from accounts.principal import Principal
from federation.escalations.kinds import DECISION_KIND
from federation.messaging.errors import FederationError
from federation.messaging.outbox import send
from regional.errors import RegionalError
from regional.models import EntryKind, Escalation, EscalationEntry, EscalationState

# decision -> (states it may follow, state it leads to, is a comment required)
DECISIONS: dict[str, tuple[frozenset[str], EscalationState, bool]] = {
    "accept": (frozenset({EscalationState.OPEN}), EscalationState.ACCEPTED, False),
    "assign_back": (
        frozenset({EscalationState.OPEN, EscalationState.ACCEPTED}),
        EscalationState.ASSIGNED_BACK,
        True,
    ),
    "resolve": (frozenset({EscalationState.OPEN, EscalationState.ACCEPTED}), EscalationState.RESOLVED, True),
}
COMMENT_NAMES = {"assign_back": "Нұсқау / Поручение", "resolve": "Шешім / Решение"}


def acting_role(actor: Principal) -> str:
    """The role the decision is made in (the first of the actor's roles that allows it)."""
    for role in sorted(actor.roles):
        if Operation.REGIONAL_ESCALATION_DECIDE in MATRIX.get(role, frozenset()):
            return role.value
    return actor.kind


def receive_escalation(schema: str, payload: dict[str, Any]) -> Escalation:
    """An akimat escalated an appeal: a new queue entry, or the one in work for it again."""
    role = payload["actor_role"]
    at = datetime.datetime.fromisoformat(payload["at"])
    escalation = (
        Escalation.objects.select_for_update()
        .filter(schema=schema, appeal_number=payload["number"])
        .exclude(state=EscalationState.RESOLVED)
        .first()
    )
    if escalation is None:
        escalation = Escalation.objects.create(
            schema=schema,
            appeal_number=payload["number"],
            category=payload["category"],
            cause=payload["rule"],
            reason=payload["reason"],
            escalated_at=at,
            escalated_by=role,
        )
        kind = EntryKind.ESCALATED
    else:
        # Sent back with instructions and escalated again (or a second reason while in work).
        escalation.state = EscalationState.OPEN
        escalation.cause = payload["rule"]
        escalation.reason = payload["reason"]
        escalation.category = payload["category"]
        escalation.escalated_at = at
        escalation.escalated_by = role
        escalation.updated_at = timezone.now()
        escalation.save()
        kind = EntryKind.ESCALATED_AGAIN
    EscalationEntry.objects.create(
        escalation=escalation,
        kind=kind,
        comment=payload["reason"],
        actor_subject=f"akimat:{schema}",
        actor_name=schema,
        actor_role=role,
    )
    return escalation


def decide(actor: Principal, escalation_id: int, decision: str, comment: str = "") -> Escalation:
    """Accept, assign back with instructions, or resolve; the akimat's appeal history gets it too."""
    if not can(actor, Operation.REGIONAL_ESCALATION_DECIDE):
        raise RegionalError.of(None, "forbidden", refusal(actor, Operation.REGIONAL_ESCALATION_DECIDE))
    if decision not in DECISIONS:
        raise RegionalError.of("decision", "invalid", f"{decision!r}: белгісіз шешім / неизвестное решение")
    sources, target, needs_comment = DECISIONS[decision]
    text = (comment or "").strip()
    if needs_comment and not text:
        raise RegionalError.of("comment", "required", f"{COMMENT_NAMES[decision]}: міндетті / обязательно")
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().filter(pk=escalation_id).first()
        if escalation is None:
            raise RegionalError.of("id", "not_found", f"Эскалация {escalation_id} табылмады / не найдена")
        if escalation.state not in sources:
            raise RegionalError.of(
                "id",
                "invalid_transition",
                f"{decision}: мүмкін емес '{escalation.state}' күйінен / невозможно из состояния "
                f"'{escalation.state}'",
            )
        escalation.state = target
        escalation.updated_at = timezone.now()
        escalation.save(update_fields=["state", "updated_at"])
        role = acting_role(actor)
        name = actor.display_name or actor.username
        EscalationEntry.objects.create(
            escalation=escalation,
            kind=decision,
            comment=text,
            actor_subject=actor.subject,
            actor_name=name,
            actor_role=role,
        )
        try:
            send(
                DECISION_KIND,
                {
                    "number": escalation.appeal_number,
                    "escalation": escalation.pk,
                    "decision": decision,
                    "comment": text,
                    "actor": {"subject": actor.subject, "name": name, "role": role},
                },
                target=escalation.schema,
                ordering_key=f"escalation:{escalation.schema}:{escalation.appeal_number}",
            )
        except FederationError as error:  # e.g. the akimat was deactivated: decide nothing
            raise RegionalError.of(
                "id", "akimat_unavailable", f"{escalation.schema}: {error.message}"
            ) from None
    return escalation


def accept(actor: Principal, escalation_id: int, comment: str = "") -> Escalation:
    return decide(actor, escalation_id, "accept", comment)


def assign_back(actor: Principal, escalation_id: int, instructions: str) -> Escalation:
    return decide(actor, escalation_id, "assign_back", instructions)


def resolve(actor: Principal, escalation_id: int, resolution: str) -> Escalation:
    return decide(actor, escalation_id, "resolve", resolution)
