"""Escalation to the region: by the operator with a reason, or by the region's rules; the region's
decisions come back into the appeal's history.

Appeals only records: the federation layer listens to the events written here and carries them to
the regional queue, and calls `record_regional_decision` when a decision arrives.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.errors import AppealError
from appeals.events import record_event
from appeals.models import Appeal, EventKind, RegionalEscalationState
from appeals.states import TERMINAL_STATUSES
from appeals.transitions import authorise, locked_appeal, require_text

# The region has it: no second escalation until it assigns the appeal back or resolves it.
IN_REGION = frozenset({RegionalEscalationState.OPEN, RegionalEscalationState.ACCEPTED})

DECISIONS = {
    "accept": RegionalEscalationState.ACCEPTED,
    "assign_back": RegionalEscalationState.ASSIGNED_BACK,
    "resolve": RegionalEscalationState.RESOLVED,
}


def escalate_locked(
    actor: Principal, appeal: Appeal, *, rule: str, reason: str, data: dict[str, Any] | None = None
) -> None:
    """Put a locked appeal in the regional queue (`rule`: manual, or the rule that fired)."""
    appeal.regional_escalation = RegionalEscalationState.OPEN
    appeal.regional_escalated_at = timezone.now()
    appeal.save(update_fields=["regional_escalation", "regional_escalated_at"])
    record_event(
        appeal,
        EventKind.REGIONAL_ESCALATION,
        actor,
        operation=Operation.APPEAL_TRANSFER,
        comment=reason,
        data={"rule": rule, **(data or {})},
    )


def can_escalate(appeal: Appeal) -> bool:
    return appeal.status not in TERMINAL_STATUSES and appeal.regional_escalation not in IN_REGION


def escalate_to_region(actor: Principal, number: int, *, reason: str) -> Appeal:
    """The operator (or supervisor) sends the appeal to the regional queue; the reason is required."""
    authorise(actor, Operation.APPEAL_TRANSFER)
    text = require_text(reason, "reason", "Себебі / Причина")
    with transaction.atomic():
        appeal = locked_appeal(number)
        if appeal.status in TERMINAL_STATUSES:
            raise AppealError.of(
                "number",
                "invalid_transition",
                f"№{appeal.number}: {appeal.status} — облысқа жіберуге болмайды / нельзя эскалировать",
            )
        if appeal.regional_escalation in IN_REGION:
            raise AppealError.of(
                "number",
                "already_escalated",
                f"№{appeal.number} облыс кезегінде / уже в очереди области",
            )
        escalate_locked(actor, appeal, rule="manual", reason=text)
    return appeal


def record_regional_decision(
    actor: Principal, number: int, *, decision: str, comment: str, escalation_id: int
) -> Appeal:
    """A regional administrator decided on the escalation: the decision joins the appeal's history."""
    authorise(actor, Operation.REGIONAL_ESCALATION_DECIDE)
    state = DECISIONS.get(decision)
    if state is None:
        raise AppealError.of("decision", "invalid", f"{decision!r}: белгісіз шешім / неизвестное решение")
    with transaction.atomic():
        appeal = locked_appeal(number)
        appeal.regional_escalation = state
        appeal.save(update_fields=["regional_escalation"])
        record_event(
            appeal,
            EventKind.REGIONAL_DECISION,
            actor,
            operation=Operation.REGIONAL_ESCALATION_DECIDE,
            comment=comment,
            data={"decision": decision, "escalation": escalation_id},
        )
    return appeal
