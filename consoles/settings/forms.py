"""The settings pages' forms. They only carry what was typed (every field optional, no checks of
their own): the catalogue's edit functions check it and their problems land on these fields in
the screen's language, so a refused edit shows every mistake and keeps every keystroke."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.catalogue.calendar import ExceptionInput
from appeals.catalogue.categories import CategoryInput
from appeals.catalogue.organisations import OrganisationInput, PersonInput
from appeals.catalogue.routing import RoutingInput
from appeals.errors import Problem
from appeals.models import (
    CalendarExceptionKind,
    Category,
    Organisation,
    OrganisationKind,
    Priority,
    Service112,
    SlaCalendar,
)
from consoles.text import local, pick


def _text(label: object, *, help_text: object = "", **attrs: object) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.TextInput(attrs=attrs)
    )


def _select(label: object) -> forms.CharField:
    # A plain text field with a select widget: a value outside the list is the action's to refuse.
    return forms.CharField(label=label, required=False, widget=forms.Select())


def _flag(label: object) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


def _pairs(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(value, pick(label)) for value, label in choices]


def _services() -> list[tuple[str, str]]:
    """ "101 — өрт сөндіру / пожарная служба" -> "101 — пожарная служба" on a Russian screen."""
    pairs = []
    for value, label in Service112.choices:
        number, _dash, name = label.partition(" — ")
        pairs.append((value, f"{number} — {pick(name)}" if name else label))
    return pairs


class ProblemForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")  # no colon after a label, also after a checkbox
        super().__init__(*args, **kwargs)

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            field = problem.field if problem.field in self.fields else None
            self.add_error(field, pick(problem.message))
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class CategoryForm(ProblemForm):
    code = _text(_("Code"), help_text=_("Latin letters, digits and hyphens; cannot be changed later"))
    parent = _select(_("Group"))
    name_kk = _text(_("Name in Kazakh"), lang="kk")
    name_ru = _text(_("Name in Russian"), lang="ru")
    keywords = forms.CharField(
        label=_("Words callers use"),
        required=False,
        help_text=_(
            "Separated by commas, in Kazakh and Russian: the operator's search finds the category by them"
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sla_hours = _text(_("SLA, hours"), inputmode="numeric")
    sla_calendar = _select(_("Counted on"))
    warn_before_hours = _text(_("Warn before the deadline, hours"), inputmode="numeric")
    default_priority = _select(_("Priority"))
    is_emergency = _flag(_("Emergency: forwarded to 112"))
    services_112 = forms.Field(label=_("112 services"), required=False, widget=forms.CheckboxSelectMultiple())
    repeat_radius_m = _text(_("Repeats within, metres"), inputmode="numeric")
    repeat_window_hours = _text(_("Repeats within, hours"), inputmode="numeric")
    is_housing_utilities = _flag(_("Housing and utilities"))
    is_active = _flag(_("In use"))

    def __init__(
        self, *args: object, creating: bool = False, editing: Category | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]
        groups = Category.objects.order_by("sort_order", "code").exclude(pk=editing.pk if editing else None)
        self.fields["parent"].widget.choices = [
            ("", _("— top level —")),
            *[(c.code, local(c)) for c in groups],
        ]
        self.fields["sla_calendar"].widget.choices = _pairs(SlaCalendar.choices)
        self.fields["default_priority"].widget.choices = _pairs(Priority.choices)
        self.fields["services_112"].widget.choices = _services()

    @staticmethod
    def initial_of(category: Category) -> dict[str, object]:
        return {
            "parent": category.parent.code if category.parent else "",
            **{
                name: getattr(category, name)
                for name in CategoryInput.__dataclass_fields__
                if name not in ("parent", "keywords")
            },
            "keywords": ", ".join(category.keywords),
        }

    def category_input(self) -> CategoryInput:
        data = self.cleaned_data
        return CategoryInput(
            name_kk=data["name_kk"],
            name_ru=data["name_ru"],
            sla_hours=data["sla_hours"],
            sla_calendar=data["sla_calendar"],
            warn_before_hours=data["warn_before_hours"],
            default_priority=data["default_priority"],
            is_emergency=data["is_emergency"],
            services_112=list(data["services_112"] or []),
            repeat_radius_m=data["repeat_radius_m"],
            repeat_window_hours=data["repeat_window_hours"],
            is_housing_utilities=data["is_housing_utilities"],
            is_active=data["is_active"],
            parent=data["parent"],
            keywords=data["keywords"],
        )


class OrganisationForm(ProblemForm):
    code = _text(_("Code"), help_text=_("Latin letters, digits and hyphens; cannot be changed later"))
    kind = _select(_("Kind"))
    name_kk = _text(_("Name in Kazakh"), lang="kk")
    name_ru = _text(_("Name in Russian"), lang="ru")
    phone = _text(_("Phone"), type="tel", autocomplete="off")
    email = _text(_("E-mail"), type="email", autocomplete="off")
    address = _text(_("Address"))
    is_active = _flag(_("In use"))

    def __init__(self, *args: object, creating: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]
        self.fields["kind"].widget.choices = _pairs(OrganisationKind.choices)

    def organisation_input(self) -> OrganisationInput:
        data = self.cleaned_data
        return OrganisationInput(**{name: data[name] for name in OrganisationInput.__dataclass_fields__})


class PersonForm(ProblemForm):
    full_name = _text(_("Full name"))
    position = _text(_("Position"))
    phone = _text(_("Phone"), type="tel", autocomplete="off")
    email = _text(_("E-mail"), type="email", autocomplete="off")
    is_head = _flag(_("Head of the organisation"))
    is_active = _flag(_("In use"))

    def person_input(self) -> PersonInput:
        data = self.cleaned_data
        return PersonInput(**{name: data[name] for name in PersonInput.__dataclass_fields__})


class RoutingForm(ProblemForm):
    category = _select(_("Category"))
    organisation = _select(_("Organisation"))
    area_name = _text(_("Area name"))
    area = forms.CharField(
        label=_("Area (GeoJSON)"),
        required=False,
        help_text=_("Drawn on the map above; empty for the category's default rule"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "geojson"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.order_by("sort_order", "code")
        organisations = Organisation.objects.filter(is_active=True).order_by("name_ru")
        self.fields["category"].widget.choices = [("", "—"), *[(c.code, local(c)) for c in categories]]
        self.fields["organisation"].widget.choices = [("", "—"), *[(o.code, local(o)) for o in organisations]]

    def routing_input(self) -> RoutingInput:
        data = self.cleaned_data
        return RoutingInput(**{name: data[name] for name in RoutingInput.__dataclass_fields__})


class ExceptionForm(ProblemForm):
    date = _text(_("Date"), type="date")
    kind = _select(_("Kind"))
    note = _text(_("Note"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.choices = _pairs(CalendarExceptionKind.choices)

    def exception_input(self) -> ExceptionInput:
        data = self.cleaned_data
        return ExceptionInput(**{name: data[name] for name in ExceptionInput.__dataclass_fields__})
