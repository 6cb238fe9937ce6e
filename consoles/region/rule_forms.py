"""The escalation rule's form on the regional console and the words of its refusals. The form only
carries what was typed (no checks of its own): `federation.escalations.editing` checks it, and
each problem lands under its field in the screen's language, with everything typed kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consoles.field_errors import DescribedErrors
from consoles.text import local
from federation.escalations.editing import (
    NOT_DONE_TIMES,
    OVERDUE_MULTIPLE,
    CatalogueCategory,
    Problem,
    RuleInput,
    shipped_categories,
)
from federation.escalations.models import EVERY_CATEGORY, EscalationRule


def category_name(category: CatalogueCategory) -> str:
    return local(category)


def category_choices() -> list[tuple[str, str]]:
    """Every category of the platform's catalogue in its order (a group's categories after it,
    indented), then "all other categories"."""
    return [
        *[(c.code, f"{'— ' if c.parent else ''}{category_name(c)} ({c.code})") for c in shipped_categories()],
        (EVERY_CATEGORY, gettext("All other categories (*)")),
    ]


def problem_message(problem: Problem) -> str:
    if problem.field == "category":
        return {
            "required": gettext("Choose the category."),
            "unknown": gettext("There is no such category in the catalogue."),
            "taken": gettext("This category already has a rule: change that one."),
        }.get(problem.code, gettext("Choose the category."))
    if problem.field in ("overdue_multiple", "not_done_times"):
        low, high = OVERDUE_MULTIPLE if problem.field == "overdue_multiple" else NOT_DONE_TIMES
        if problem.code == "not_a_number":
            return gettext("Write a whole number, or leave it empty.")
        return gettext("Write a number from %(low)s to %(high)s, or leave it empty.") % {
            "low": low,
            "high": high,
        }
    if problem.field == "note":
        return gettext("At most 200 characters.")
    return gettext("There is no such rule: someone has deleted it meanwhile.")


class RuleForm(DescribedErrors, forms.Form):
    category = forms.CharField(label=_("Category"), required=False, widget=forms.Select())
    overdue_multiple = forms.CharField(
        label=_("SLA periods without an answer"),
        required=False,
        help_text=_("2 or more: to the region when unanswered after this many SLA periods. Empty: off."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    not_done_times = forms.CharField(
        label=_("Times reported not done"),
        required=False,
        help_text=_("1 or more: to the region when reported not done this many times. Empty: off."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    regional_scope = forms.BooleanField(
        label=_("Of regional importance: every appeal goes to the region at once"), required=False
    )
    is_active = forms.BooleanField(label=_("In force"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}))

    def __init__(self, *args: object, keep: str = "", **kwargs: object) -> None:
        """`keep`: the edited rule's category, offered even when the catalogue no longer has it."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices = category_choices()
        if keep and all(code != keep for code, _label in choices):
            choices.append((keep, keep))
        self.fields["category"].widget.choices = [("", gettext("— choose —")), *choices]

    @staticmethod
    def initial_of(rule: EscalationRule) -> dict[str, object]:
        return {
            "category": rule.category,
            "overdue_multiple": rule.overdue_multiple or "",
            "not_done_times": rule.not_done_times or "",
            "regional_scope": rule.regional_scope,
            "is_active": rule.is_active,
            "note": rule.note,
        }

    def rule_input(self) -> RuleInput:
        self.is_valid()  # fills cleaned_data; the fields refuse nothing themselves
        data = self.cleaned_data
        return RuleInput(
            category=data.get("category", ""),
            overdue_multiple=data.get("overdue_multiple", ""),
            not_done_times=data.get("not_done_times", ""),
            regional_scope=bool(data.get("regional_scope")),
            is_active=bool(data.get("is_active")),
            note=data.get("note", ""),
        )

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.add_error(problem.field if problem.field in self.fields else None, problem_message(problem))
