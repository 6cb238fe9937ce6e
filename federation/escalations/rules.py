"""The escalation rules as an akimat applies them: which rule holds for a category, and whether it fires.

Rules are read from the public schema once a minute per process (a save in this process clears them
at once), so the listener costs no query per appeal event.
"""

from __future__ import annotations

import datetime
import threading
import time

from django.db.models.signals import post_delete, post_save

from appeals.models import Appeal, AppealEvent, Category
from appeals.rules.sla import deadline_for
from federation.escalations.models import EVERY_CATEGORY, EscalationRule

TTL_SECONDS = 60.0

_lock = threading.Lock()
_cache: tuple[float, dict[str, EscalationRule]] | None = None


def active_rules() -> dict[str, EscalationRule]:
    global _cache
    entry = _cache
    if entry is None or entry[0] <= time.monotonic():
        rules = {rule.category: rule for rule in EscalationRule.objects.filter(is_active=True)}
        entry = (time.monotonic() + TTL_SECONDS, rules)
        with _lock:
            _cache = entry
    return entry[1]


def forget_rules(**_kwargs: object) -> None:
    global _cache
    with _lock:
        _cache = None


def connect_invalidation() -> None:
    post_save.connect(forget_rules, sender=EscalationRule, dispatch_uid="escalation_rules_save")
    post_delete.connect(forget_rules, sender=EscalationRule, dispatch_uid="escalation_rules_delete")


def rule_for(category: Category | None, parent_code: str = "") -> EscalationRule | None:
    rules = active_rules()
    if category is not None:
        for code in (category.code, parent_code):
            if code and code in rules:
                return rules[code]
    return rules.get(EVERY_CATEGORY)


def overdue_threshold(appeal: Appeal, rule: EscalationRule) -> datetime.datetime | None:
    """When the appeal has stayed unanswered for `overdue_multiple` SLA periods: the SLA counted again
    from the deadline on the category's own calendar (working hours for working-day categories)."""
    if rule.overdue_multiple is None or appeal.deadline is None or appeal.category is None:
        return None
    moment = appeal.deadline
    for _ in range(rule.overdue_multiple - 1):
        moment = deadline_for(appeal.category, moment)
    return moment


def not_done_count(appeal: Appeal) -> int:
    return AppealEvent.objects.filter(appeal=appeal, transition="mark_not_done").count()
