"""What every action shares: the permission check, locking the appeal, applying a transition."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from accounts.permissions import Operation, can, refusal
from accounts.principal import Principal
from appeals.errors import AppealError, not_found
from appeals.events import is_system, record_event
from appeals.models import Appeal, AppealEvent, EventKind
from appeals.rules.access import reach
from appeals.states import TRANSITIONS


def authorise(actor: Principal, operation: Operation) -> None:
    if is_system(actor):
        return
    if not can(actor, operation):
        raise AppealError.of(None, "forbidden", refusal(actor, operation))


def locked_appeal(appeal: Appeal | int) -> Appeal:
    """The appeal's row, locked until the transaction ends (by number, or the instance given)."""
    number = appeal.number if isinstance(appeal, Appeal) else appeal
    found = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("category")
        .filter(number=number)
        .first()
    )
    if found is None:
        raise not_found("Өтініш / Обращение №", number, "number")
    return found


def require_text(value: str, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        # "kk / ru" halves kept whole, so a screen can show one language ("X: міндетті / Y: обязательно").
        kk, _, ru = what.partition(" / ")
        raise AppealError.of(field, "required", f"{kk}: міндетті / {ru or kk}: обязательно")
    return text


def apply_transition(
    actor: Principal,
    appeal: Appeal,
    name: str,
    *,
    changed: Iterable[str] = (),
    comment: str = "",
    data: dict[str, Any] | None = None,
    stored: bool = False,
) -> AppealEvent:
    """Move a locked appeal along one transition and write its event; refuse what the machine
    forbids, and an appeal outside the actor's reach (an executor's: its organisation's only).
    `stored`: the row already holds the transition's result (written by the insert of this
    transaction), so only the instance moves."""
    transition = TRANSITIONS[name]
    authorise(actor, transition.operation)
    reach(actor, transition.operation).require(appeal)
    if not transition.allows(appeal.status):
        allowed = ", ".join(sorted(s.value for s in transition.sources))
        raise AppealError.of(
            "status",
            "invalid_transition",
            f"№{appeal.number}: '{name}' мүмкін емес '{appeal.status}' мәртебесінен / "
            f"невозможно из статуса '{appeal.status}' (допустимо из: {allowed})",
        )
    from_status = appeal.status
    appeal.status = transition.target
    if not stored:
        appeal.status_changed_at = timezone.now()
        appeal.save(update_fields=["status", "status_changed_at", *changed])
    return record_event(
        appeal,
        EventKind.TRANSITION,
        actor,
        operation=transition.operation,
        from_status=from_status,
        to_status=transition.target,
        transition=name,
        comment=comment,
        data=data,
    )
