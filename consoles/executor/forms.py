"""The executor's report on an appeal: done or not done, a comment (the reason when not done), and
photos (sent by the page's upload queue; posted with the form when the browser runs no script)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.errors import Problem
from consoles.text import pick

OUTCOMES = ("mark_done", "mark_not_done")
# Django's own wording, translated in its kk and ru catalogues.
REQUIRED = forms.Field.default_error_messages["required"]
# The actions' field names -> this form's.
PROBLEM_FIELDS = {"resolution": "comment", "reason": "comment", "file": "photos", "clientKey": "photos"}


class FinishForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(o, o) for o in OUTCOMES])
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.photo_errors: list[str] = []

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            field = PROBLEM_FIELDS.get(problem.field or "")
            # "Reason / Причина: required / обязательно" has two halves of halves: Django's own
            # translated wording says it in one language.
            message = str(REQUIRED) if problem.code == "required" else pick(problem.message)
            if field == "photos":
                self.photo_errors.append(message)
            else:
                self.add_error(field, message)
