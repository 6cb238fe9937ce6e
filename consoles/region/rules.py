"""The region's escalation rules on the regional console (`/region/escalation-rules/`), for the
regional admin (`regional.rules.manage`): the list with its recent changes, add, change, switch off
or on, delete after a confirmation. The edits are `federation.escalations.editing`; a refused one
comes back as a 400 with each problem under its field in the screen's language. Plain forms and
redirects: no script needed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Operation
from consoles.access import console_page
from consoles.region.rule_forms import RuleForm, category_name, problem_message
from federation.escalations.editing import (
    FIELDS,
    RuleRefused,
    add_rule,
    change_rule,
    delete_rule,
    rules_in_order,
    shipped_categories,
    switch_rule,
)
from federation.escalations.models import EVERY_CATEGORY, EscalationRule, EscalationRuleChange

LIST = "consoles:region-rules"
CHANGES_SHOWN = 10


@dataclass(frozen=True)
class RuleRow:
    rule: EscalationRule
    name: str
    triggers: list[str]


def _name(code: str) -> str:
    """The category as the screen names it: its name in the screen's language, "all other
    categories" for "*", the bare code when the catalogue does not know it."""
    if code == EVERY_CATEGORY:
        return gettext("All other categories")
    known = next((c for c in shipped_categories() if c.code == code), None)
    return category_name(known) if known else code


def _triggers(rule: EscalationRule) -> list[str]:
    said = []
    if rule.regional_scope:
        said.append(gettext("Every appeal at once, as soon as it is registered"))
    if rule.overdue_multiple:
        said.append(gettext("Unanswered after %(n)s SLA periods") % {"n": rule.overdue_multiple})
    if rule.not_done_times:
        said.append(gettext("Reported not done: %(n)s times") % {"n": rule.not_done_times})
    if not said and rule.category == EVERY_CATEGORY:
        said.append(gettext("Never by itself: no category without a rule of its own goes to the region"))
    elif not said:
        said.append(gettext("Never by itself: kept out of the group's and the other categories' rules"))
    return said


def _value(name: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if name == "category":
        return f"{_name(str(value))} ({value})"
    return str(value)


@dataclass(frozen=True)
class ChangeRow:
    change: EscalationRuleChange
    name: str
    fields: list[tuple[str, str, str]]  # label, before, after


def _change_row(change: EscalationRuleChange) -> ChangeRow:
    labels = {name: str(EscalationRule._meta.get_field(name).verbose_name) for name in FIELDS}
    names = [name for name in FIELDS if name in change.before or name in change.after]
    fields = [
        (
            labels[n],
            _value(n, change.before.get(n)) if change.before else "",
            _value(n, change.after.get(n)) if change.after else "",
        )
        for n in names
    ]
    return ChangeRow(change, _name(change.category), fields)


@never_cache
@console_page(Operation.REGIONAL_RULES_MANAGE)
def rules_page(request: HttpRequest) -> HttpResponse:
    rows = [
        RuleRow(rule, _name(rule.category), _triggers(rule))
        for rule in rules_in_order(EscalationRule.objects.all())
    ]
    changes = [_change_row(c) for c in EscalationRuleChange.objects.all()[:CHANGES_SHOWN]]
    return render(request, "consoles/region/rules.html", {"rows": rows, "changes": changes})


def _form_page(
    request: HttpRequest, form: RuleForm, rule: EscalationRule | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "rule": rule, "name": _name(rule.category) if rule else ""}
    return render(request, "consoles/region/rule.html", context, status=status)


def _saved(request: HttpRequest, text: str, rule: EscalationRule) -> HttpResponse:
    messages.success(request, text % {"category": _name(rule.category)})
    return redirect(LIST)


@never_cache
@require_http_methods(["GET", "POST"])
@console_page(Operation.REGIONAL_RULES_MANAGE)
def new_rule(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, RuleForm(initial={"is_active": True}), None)
    form = RuleForm(request.POST)
    try:
        rule = add_rule(request.principal, form.rule_input())
    except RuleRefused as refused:
        form.add_problems(refused.problems)
        return _form_page(request, form, None, status=400)
    return _saved(request, gettext("Rule added: %(category)s."), rule)


def _rule(pk: int) -> EscalationRule:
    rule = EscalationRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


@never_cache
@require_http_methods(["GET", "POST"])
@console_page(Operation.REGIONAL_RULES_MANAGE)
def edit_rule(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(pk)
    if request.method == "GET":
        return _form_page(request, RuleForm(initial=RuleForm.initial_of(rule), keep=rule.category), rule)
    form = RuleForm(request.POST, keep=rule.category)
    try:
        rule = change_rule(request.principal, pk, form.rule_input())
    except RuleRefused as refused:
        form.add_problems(refused.problems)
        return _form_page(request, form, rule, status=400)
    return _saved(request, gettext("Rule saved: %(category)s."), rule)


@require_POST
@console_page(Operation.REGIONAL_RULES_MANAGE)
def switch(request: HttpRequest, pk: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    try:
        rule = switch_rule(request.principal, pk, active)
    except RuleRefused as refused:
        messages.error(request, problem_message(refused.problems[0]))
        return redirect(LIST)
    text = (
        gettext("Rule switched on: %(category)s.") if active else gettext("Rule switched off: %(category)s.")
    )
    return _saved(request, text, rule)


@never_cache
@require_http_methods(["GET", "POST"])
@console_page(Operation.REGIONAL_RULES_MANAGE)
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule(pk)
    if request.method == "GET":
        row = RuleRow(rule, _name(rule.category), _triggers(rule))
        return render(request, "consoles/region/rule_delete.html", {"row": row})
    try:
        delete_rule(request.principal, pk)
    except RuleRefused as refused:
        messages.error(request, problem_message(refused.problems[0]))
        return redirect(LIST)
    return _saved(request, gettext("Rule deleted: %(category)s."), rule)
