"""The akimat side of escalations, as an appeals.events listener (inside the change's transaction):
the region's rules that fire on an event escalate the appeal at once, and every escalation event
goes to the regional queue as `appeals.escalation`."""

from __future__ import annotations

from typing import Any

from appeals.actions.regional_escalation import escalate_locked
from appeals.events import SYSTEM
from appeals.models import Appeal, AppealEvent, EventKind
from federation.escalations import rules
from federation.escalations.kinds import ESCALATION_KIND
from federation.messaging.outbox import region, send
from federation.read_model_feed import category_parent
from observability.sentry import redact_text
from tenants.sandbox import current_is_sandbox


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    if current_is_sandbox():
        return  # the region's queue is for real appeals only (decision 79)
    if event.kind == EventKind.REGIONAL_ESCALATION:
        send(ESCALATION_KIND, escalation_payload(appeal, event), target=region(), ordering_key=_key(appeal))
        return
    if appeal.regional_escalation is not None or appeal.category is None:
        return  # the region has (or had) it: rules do not send it again; a person may
    classified = event.kind == EventKind.CREATED or event.transition == "register"
    if classified or event.transition == "mark_not_done":
        _apply_rules(appeal, event, classified)


def _apply_rules(appeal: Appeal, event: AppealEvent, classified: bool) -> None:
    rule = rules.rule_for(appeal.category, category_parent(appeal.category))
    if rule is None:
        return
    if classified and rule.regional_scope:
        escalate_locked(
            SYSTEM,
            appeal,
            rule="regional_scope",
            reason="Облыстық маңызы бар нысан / Объект областного значения",
            data={"rule_category": rule.category},
        )
    elif event.transition == "mark_not_done" and rule.not_done_times:
        times = rules.not_done_count(appeal)
        if times >= rule.not_done_times:
            escalate_locked(
                SYSTEM,
                appeal,
                rule="repeated_not_done",
                reason=f"{times} рет орындалмады / {times} раз не выполнено",
                data={"rule_category": rule.category, "not_done_times": times},
            )


def _key(appeal: Appeal) -> str:
    return f"escalation:{appeal.number}"


def escalation_payload(appeal: Appeal, event: AppealEvent) -> dict[str, Any]:
    return {
        "number": appeal.number,
        "version": event.pk,
        "rule": (event.data or {}).get("rule", "manual"),
        "reason": redact_text(event.comment),
        "actor_role": event.actor_role,
        "at": event.at.isoformat(),
        "category": appeal.category.code if appeal.category is not None else "",
    }
