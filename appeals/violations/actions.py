"""The lawyer's work on a violation: explanation received, sanction proposed, closed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.errors import AppealError, not_found
from appeals.events import acting_role
from appeals.models import Violation, ViolationEvent, ViolationStatus
from appeals.transitions import authorise, require_text

_V = ViolationStatus
# target -> statuses it may come from
VIOLATION_TRANSITIONS: dict[str, frozenset[str]] = {
    _V.EXPLANATION_RECEIVED: frozenset({_V.OPEN}),
    _V.SANCTION_PROPOSED: frozenset({_V.OPEN, _V.EXPLANATION_RECEIVED}),
    _V.CLOSED: frozenset({_V.OPEN, _V.EXPLANATION_RECEIVED, _V.SANCTION_PROPOSED}),
}


def _move(actor: Principal, violation_id: int, target: str, field: str, text: str) -> Violation:
    authorise(actor, Operation.VIOLATION_MANAGE)
    with transaction.atomic():
        violation = Violation.objects.select_for_update().filter(pk=violation_id).first()
        if violation is None:
            raise not_found("Бұзушылық / Нарушение", violation_id, "id")
        if violation.status not in VIOLATION_TRANSITIONS[target]:
            raise AppealError.of(
                "status",
                "invalid_transition",
                f"'{violation.status}' -> '{target}' мүмкін емес / невозможно",
            )
        from_status = violation.status
        violation.status = target
        setattr(violation, field, text)
        violation.updated_at = timezone.now()
        violation.save(update_fields=["status", field, "updated_at"])
        ViolationEvent.objects.create(
            violation=violation,
            from_status=from_status,
            to_status=target,
            actor_subject=actor.subject,
            actor_name=actor.display_name or actor.username,
            actor_role=acting_role(actor, Operation.VIOLATION_MANAGE),
            comment=text,
        )
    return violation


def record_explanation(actor: Principal, violation_id: int, *, explanation: str) -> Violation:
    text = require_text(explanation, "explanation", "Түсініктеме / Объяснение")
    return _move(actor, violation_id, _V.EXPLANATION_RECEIVED, "explanation", text)


def propose_sanction(actor: Principal, violation_id: int, *, sanction: str) -> Violation:
    text = require_text(sanction, "sanction", "Жаза / Взыскание")
    return _move(actor, violation_id, _V.SANCTION_PROPOSED, "sanction", text)


def close_violation(actor: Principal, violation_id: int, *, note: str) -> Violation:
    text = require_text(note, "note", "Қорытынды / Итог")
    return _move(actor, violation_id, _V.CLOSED, "closing_note", text)
