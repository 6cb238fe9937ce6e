"""The intake form: what the operator types while the citizen is on the line. Field checks that
need the catalogue or the boundary stay in the intake action; its problems land on these fields."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from appeals.actions import AppealInput
from appeals.errors import Problem
from appeals.models import Channel, Language
from consoles.field_errors import DescribedErrors
from consoles.text import pick

# The action's field names (GraphQL style) -> this form's.
PROBLEM_FIELDS = {
    "applicantPhone": "phone",
    "applicantIin": "iin",
    "applicantName": "name",
    "description": "description",
    "category": "category",
    "location": "latitude",
    "longitude": "longitude",
    "latitude": "latitude",
    "address": "address",
    "objectKey": "address",
    "channel": "channel",
}


ALREADY_SENT = _(
    "This form was already sent with other data and made appeal {number}. Open that appeal, or start "
    "a new intake."
)


def _choices(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(value, pick(label)) for value, label in pairs]


class IntakeForm(DescribedErrors):
    channel = forms.ChoiceField(label=_("Channel"), choices=())
    phone = forms.CharField(label=_("Phone"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    iin = forms.CharField(label=_("IIN"), max_length=12, required=False)
    language = forms.ChoiceField(label=_("Caller's language"), choices=(), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    # The map object picked from the address search (`building:abaya-12`): the appeal is about it.
    object_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    category = forms.CharField(label=_("Category"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    register = forms.BooleanField(label=_("Register now"), required=False, initial=True)
    client_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _choices(Channel.choices)
        self.fields["language"].choices = [("", "—"), *_choices(Language.choices)]

    def appeal_input(self) -> AppealInput:
        data = self.cleaned_data
        return AppealInput(
            channel=data["channel"],
            description=data["description"],
            applicant_phone=data["phone"],
            applicant_name=data["name"],
            applicant_iin=data["iin"],
            language=data["language"],
            address=data["address"],
            longitude=data["longitude"],
            latitude=data["latitude"],
            object_key=data["object_key"],
            category_code=data["category"],
            client_key=data["client_key"],
            register=data["register"],
        )

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem.code == "idempotency_conflict":  # the form's hidden key: say it in the desk's words
                self.add_error(None, format_lazy(ALREADY_SENT, number=problem.appeal_number))
                continue
            field = PROBLEM_FIELDS.get(problem.field or "")
            self.add_error(field if field in self.fields else None, pick(problem.message))
