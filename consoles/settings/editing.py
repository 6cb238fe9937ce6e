"""What every settings form page does with a POST: hand what was typed to a catalogue edit, and
on a refusal show the form again, 400, with each problem on its field and nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from appeals.errors import AppealError
from consoles.settings.forms import ProblemForm

T = TypeVar("T")


def attempt(form: ProblemForm, edit: Callable[[], T]) -> T | None:
    """The edit's result, or None with its problems put on the form."""
    form.is_valid()  # the fields check nothing themselves; this fills cleaned_data
    try:
        return edit()
    except AppealError as error:
        form.add_problems(error.problems)
        return None


def refused(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    return render(request, template, context, status=400)
