"""The region's escalation rules edited by the regional admin: add, change (switching one off too),
delete. Each edit checks every field (a problem per field, by code: the page says it in the
screen's language), writes the rule and its `EscalationRuleChange` row in one transaction, and is
refused to anyone without `regional.rules.manage`.

A rule with no trigger on is accepted: the category's own rule applies before its group's and the
"*" rule (`rules.rule_for`), so such a rule keeps the category (or group) out of automatic
escalation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db import IntegrityError, transaction

from accounts.permissions import Operation, require
from accounts.principal import Principal
from appeals.catalogue.fixtures import read_categories
from appeals.events import acting_role
from federation.escalations.models import (
    EVERY_CATEGORY,
    EscalationRule,
    EscalationRuleChange,
    RuleChangeAction,
)

# The bounds of a trigger (the column is a small integer; past these a rule means nothing).
OVERDUE_MULTIPLE = (2, 100)
NOT_DONE_TIMES = (1, 100)
NOTE_LENGTH = 200
FIELDS = ("category", "overdue_multiple", "not_done_times", "regional_scope", "is_active", "note")


@dataclass(frozen=True)
class Problem:
    field: str
    code: str  # required, unknown, taken, not_a_number, too_small, too_large, too_long, not_found


class RuleRefused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RuleInput:
    """What was typed, as text: the edit checks and converts it."""

    category: str
    overdue_multiple: str = ""
    not_done_times: str = ""
    regional_scope: bool = False
    is_active: bool = True
    note: str = ""


@dataclass(frozen=True)
class CatalogueCategory:
    code: str
    parent: str
    name_kk: str
    name_ru: str


@cache
def shipped_categories() -> tuple[CatalogueCategory, ...]:
    """The platform's catalogue as every akimat is seeded with it (`appeals/catalogue/data`), in its
    order: the codes a rule may name besides "*"."""
    return tuple(CatalogueCategory(c.code, c.parent, c.name_kk, c.name_ru) for c in read_categories())


def _known(code: str) -> bool:
    return code == EVERY_CATEGORY or any(c.code == code for c in shipped_categories())


def _number(text: str, field: str, bounds: tuple[int, int], problems: list[Problem]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        problems.append(Problem(field, "not_a_number"))
        return None
    value = int(text)
    if value < bounds[0]:
        problems.append(Problem(field, "too_small"))
    elif value > bounds[1]:
        problems.append(Problem(field, "too_large"))
    return value


def _checked(values: RuleInput, rule: EscalationRule | None) -> dict[str, object]:
    problems: list[Problem] = []
    category = values.category.strip()
    if not category:
        problems.append(Problem("category", "required"))
    elif not _known(category) and (rule is None or rule.category != category):
        problems.append(Problem("category", "unknown"))  # a rule kept from before may keep its code
    elif EscalationRule.objects.filter(category=category).exclude(pk=rule.pk if rule else None).exists():
        problems.append(Problem("category", "taken"))
    checked = {
        "category": category,
        "overdue_multiple": _number(values.overdue_multiple, "overdue_multiple", OVERDUE_MULTIPLE, problems),
        "not_done_times": _number(values.not_done_times, "not_done_times", NOT_DONE_TIMES, problems),
        "regional_scope": bool(values.regional_scope),
        "is_active": bool(values.is_active),
        "note": values.note.strip(),
    }
    if len(checked["note"]) > NOTE_LENGTH:
        problems.append(Problem("note", "too_long"))
    if problems:
        raise RuleRefused(problems)
    return checked


def _snapshot(rule: EscalationRule) -> dict[str, object]:
    return {name: getattr(rule, name) for name in FIELDS}


def _record(actor: Principal, action: str, rule: EscalationRule, before: dict, after: dict) -> None:
    if before and after:
        changed = [name for name in FIELDS if before[name] != after[name]]
        if not changed:
            return
        before = {name: before[name] for name in changed}
        after = {name: after[name] for name in changed}
    EscalationRuleChange.objects.create(
        action=action,
        rule_id=rule.pk,
        category=rule.category,
        before=before,
        after=after,
        actor_subject=actor.subject,
        actor_name=actor.display_name or actor.username,
        actor_role=acting_role(actor, Operation.REGIONAL_RULES_MANAGE),
    )


def _locked(pk: int) -> EscalationRule:
    rule = EscalationRule.objects.select_for_update().filter(pk=pk).first()
    if rule is None:
        raise RuleRefused([Problem("rule", "not_found")])
    return rule


def _save(rule: EscalationRule) -> None:
    try:
        with transaction.atomic():  # a savepoint: the same category added meanwhile is a refusal
            rule.save()
    except IntegrityError:
        raise RuleRefused([Problem("category", "taken")]) from None


def add_rule(actor: Principal, values: RuleInput) -> EscalationRule:
    require(actor, Operation.REGIONAL_RULES_MANAGE)
    with transaction.atomic():
        rule = EscalationRule(**_checked(values, None))
        _save(rule)
        _record(actor, RuleChangeAction.CREATE, rule, {}, _snapshot(rule))
    return rule


def change_rule(actor: Principal, pk: int, values: RuleInput) -> EscalationRule:
    require(actor, Operation.REGIONAL_RULES_MANAGE)
    with transaction.atomic():
        rule = _locked(pk)
        before = _snapshot(rule)
        for name, value in _checked(values, rule).items():
            setattr(rule, name, value)
        _save(rule)
        _record(actor, RuleChangeAction.UPDATE, rule, before, _snapshot(rule))
    return rule


def switch_rule(actor: Principal, pk: int, active: bool) -> EscalationRule:
    """Switch a rule off (or on again): nothing else of it changes."""
    require(actor, Operation.REGIONAL_RULES_MANAGE)
    with transaction.atomic():
        rule = _locked(pk)
        before = _snapshot(rule)
        rule.is_active = active
        rule.save(update_fields=["is_active"])
        _record(actor, RuleChangeAction.UPDATE, rule, before, _snapshot(rule))
    return rule


def delete_rule(actor: Principal, pk: int) -> EscalationRule:
    require(actor, Operation.REGIONAL_RULES_MANAGE)
    with transaction.atomic():
        rule = _locked(pk)
        before = _snapshot(rule)
        _record(actor, RuleChangeAction.DELETE, rule, before, {})
        rule.delete()
    return rule


def rules_in_order(rules: Iterable[EscalationRule]) -> list[EscalationRule]:
    """The catalogue's order (groups before their categories), "*" last, unknown codes before it."""
    order = {c.code: index for index, c in enumerate(shipped_categories())}
    last = len(order)
    return sorted(
        rules, key=lambda r: (r.category == EVERY_CATEGORY, order.get(r.category, last), r.category)
    )
