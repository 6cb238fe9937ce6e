"""The dashboard's filters: the period and its step, a category, an organisation, a person. Empty
means the default (the last 30 days by day, everything); a wrong value is a field error in the
screen's language, and what was typed stays in the form."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from appeals.errors import AppealError
from appeals.kpi_definitions import ALMATY
from appeals.models import Category, Organisation, ResponsiblePerson
from appeals.reads import kpis
from consoles.text import local, pick

PRESET_DAYS = (7, 30, 90, 365)
STEPS = (("day", _("by day")), ("week", _("by week")), ("month", _("by month")))
FILTERS = ("start", "end", "step", "category", "organisation", "person")


class QuickSelect(forms.Select):
    """A select written without a template per option: the lists of categories and people have
    dozens, and Django's widget templates made them a fifth of the page's time."""

    def render(
        self, name: str, value: object, attrs: dict | None = None, renderer: object = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(label)}</option>"
            for option, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308 (escaped)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DashboardFilter(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Enter a date, e.g. 01.03.2026.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=_date_input(),
        error_messages={"invalid": _("Enter a date, e.g. 01.03.2026.")},
    )
    step = forms.ChoiceField(
        label=_("Step"),
        required=False,
        widget=QuickSelect,
        choices=STEPS,
        error_messages={"invalid_choice": _("Choose days, weeks or months.")},
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        widget=QuickSelect,
        error_messages={"invalid_choice": _("There is no such category.")},
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        widget=QuickSelect,
        error_messages={"invalid_choice": _("There is no such organisation.")},
    )
    person = forms.ChoiceField(
        label=_("Responsible person"),
        required=False,
        widget=QuickSelect,
        error_messages={"invalid_choice": _("There is no such responsible person.")},
    )

    def __init__(self, data: object = None) -> None:
        super().__init__(_with_default_period(data) if data is not None else None)
        self.fields["category"].choices = [("", _("All")), (kpis.NONE, _("Not classified")), *_categories()]
        self.fields["organisation"].choices = [
            ("", _("All")),
            (kpis.NONE, _("Not assigned")),
            *sorted(((o.code, local(o)) for o in Organisation.objects.all()), key=lambda pair: pair[1]),
        ]
        self.fields["person"].choices = [
            ("", _("All")),
            (kpis.NONE, _("Nobody named")),
            *(
                (str(p.pk), f"{p.full_name} · {local(p.organisation)}")
                for p in ResponsiblePerson.objects.select_related("organisation").order_by("full_name", "pk")
            ),
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.period = kpis.Period.of(data.get("start"), data.get("end"))
        except AppealError as error:
            message = pick(error.problems[0].message)
            self.add_error("end" if data.get("end") else "start", message)
            return data
        self.scope = kpis.Scope(
            data.get("category", ""), data.get("organisation", ""), data.get("person", "")
        )
        self.granularity = data.get("step") or "day"
        return data

    def _post_clean(self) -> None:
        super()._post_clean()
        # A field with an error points to it, so a screen reader reads it with the field.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"

    def query(self, **overrides: object) -> str:
        """The filters as a query string (the period always spelled out: a link opened tomorrow
        still shows the same days), with some values replaced."""
        values: dict[str, object] = {
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "step": self.granularity,
            "category": self.scope.category,
            "organisation": self.scope.organisation,
            "person": self.scope.person,
        }
        for name, value in overrides.items():
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return urlencode({name: value for name, value in values.items() if value not in ("", None)})

    def chosen(self) -> list[tuple[str, str]]:
        """The filters set, as (label, chosen option) in the screen's language."""
        found = []
        for name in ("category", "organisation", "person"):
            value = self.cleaned_data.get(name)
            if value:
                labels = dict(self.fields[name].choices)
                found.append((str(self.fields[name].label), str(labels.get(value, value)).strip()))
        return found

    def error_lines(self) -> list[tuple[str, str]]:
        """(field label, message) of every error, for pages that show no form (a link's filters)."""
        return [
            (str(self.fields[name].label or name) if name in self.fields else "", str(message))
            for name, messages in self.errors.items()
            for message in messages
        ]


def today() -> datetime.date:
    return timezone.now().astimezone(ALMATY).date()


def presets(form: DashboardFilter | None) -> list[tuple[int, str]]:
    """(days, query) of the last 7, 30, 90 and 365 days up to today, keeping the other filters."""
    end = today()
    found = []
    for days in PRESET_DAYS:
        start = end - datetime.timedelta(days=days - 1)
        if form is not None and hasattr(form, "period"):
            found.append((days, form.query(start=start, end=end)))
        else:
            found.append((days, urlencode({"start": start.isoformat(), "end": end.isoformat()})))
    return found


def _with_default_period(data: object) -> object:
    """Empty days are the default period, spelled out so the form shows which days it counts."""
    data = data.copy()
    if not data.get("end"):
        data["end"] = today().isoformat()
    if not data.get("start"):
        try:
            end = datetime.date.fromisoformat(data["end"])
            data["start"] = (end - datetime.timedelta(days=kpis.DEFAULT_DAYS - 1)).isoformat()
        except (ValueError, OverflowError):
            return data  # the end's own error says what is wrong
    return data


def _categories() -> list[tuple[str, str]]:
    """Groups, each followed by its sub-categories (indented)."""
    rows = list(Category.objects.order_by("sort_order", "code"))
    children: dict[int | None, list[Category]] = {}
    for category in rows:
        children.setdefault(category.parent_id, []).append(category)
    choices: list[tuple[str, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for category in children.get(parent, []):
            choices.append((category.code, "\u2003" * depth + local(category)))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return choices


class DrillFilter(DashboardFilter):
    figure = forms.ChoiceField(
        label=_("Figure"),
        choices=[(figure.value, figure.value) for figure in kpis.Figure],
        error_messages={
            "invalid_choice": _("There is no such figure."),
            "required": _("Choose a figure."),
        },
    )
    page = forms.IntegerField(
        label=_("Page"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter a page number."), "min_value": _("Enter a page number.")},
    )
