"""The call-back: the operator calls the applicant (and the applicants of linked repeats) once the
service has answered, and records how the call went. Reached and satisfied: the citizen is
informed; reached and not satisfied: the appeal reopens with a new deadline; not reached: an
attempt is counted (after the last one the citizen is informed as unreachable). The rules are
`appeals.actions.record_callback`'s; this page maps a form to it."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import Operation
from accounts.personal_data import sees_personal_data
from appeals import actions
from appeals.errors import AppealError
from appeals.models import Appeal, CallbackAttempt
from appeals.reads.queues import answered_at, callback_attempts, callback_contacts, uncalled
from appeals.rules.access import reach
from appeals.states import AWAITING_CALLBACK, Status
from consoles.access import console_page
from consoles.field_errors import DescribedErrors
from consoles.text import pick

OUTCOMES = (
    ("satisfied", _("Reached: the citizen is satisfied")),
    ("not_satisfied", _("Reached: the citizen is not satisfied")),
    ("not_reached", _("Not reached")),
)
# The outcome -> record_callback's (reached, satisfied).
ANSWERS = {"satisfied": (True, True), "not_satisfied": (True, False), "not_reached": (False, None)}
# After a recorded call the page says what became of the appeal (a fixed word in the address).
RESULTS = {
    "reopened": _("The citizen is not satisfied: the appeal is reopened with a new deadline."),
    "informed": _("The citizen is informed. The appeal can be closed on its page."),
    "attempt": _("The call is recorded."),
}
# A repeat's applicant is called while the original waits for its call-back or after it.
REPEATS_CALLED = AWAITING_CALLBACK | {Status.CITIZEN_INFORMED, Status.CLOSED}
COMMENT_MAX = 2000
NOT_A_CONTACT = _("This person is not among those to call about this appeal.")


class CallbackForm(DescribedErrors):
    contact = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": NOT_A_CONTACT,
            "invalid": NOT_A_CONTACT,
            "min_value": NOT_A_CONTACT,
        },
    )
    outcome = forms.ChoiceField(
        label=_("How did the call go?"),
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the call went."),
            "invalid_choice": _("Choose how the call went."),
        },
    )
    comment = forms.CharField(
        label=_("Comment (what the citizen said)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("At most %(limit_value)d characters."),
            "null_characters_not_allowed": _("The text holds a character that cannot be stored."),
        },
    )


@dataclass
class Contact:
    """Someone to call about the appeal: its own applicant or a linked repeat's."""

    appeal: Appeal
    own: bool
    attempts: list[CallbackAttempt]
    due: bool  # a call is expected now
    form: CallbackForm


def _appeal_for(request: HttpRequest, number: int) -> Appeal:
    appeal = Appeal.objects.select_related("category", "organisation").filter(number=number).first()
    if appeal is None or not reach(request.principal, Operation.APPEAL_VIEW).allows(appeal):
        raise Http404
    return appeal


def _form(contact: int, data: object = None) -> CallbackForm:
    # One form per contact on the page: ids of their own, the same field names.
    return CallbackForm(data, initial={"contact": contact}, auto_id=f"c{contact}-%s")


def _outcome(attempt: CallbackAttempt) -> str:
    key = "not_reached" if not attempt.reached else "satisfied" if attempt.satisfied else "not_satisfied"
    return str(dict(OUTCOMES)[key])


def _contacts(appeal: Appeal, attempts: list[CallbackAttempt], failed: CallbackForm | None) -> list[Contact]:
    found = []
    for contact in callback_contacts(appeal):
        own = contact.pk == appeal.pk
        due = appeal.status in (AWAITING_CALLBACK if own else REPEATS_CALLED)
        refused_here = due and failed is not None and failed.data.get("contact") == str(contact.number)
        form = failed if refused_here else _form(contact.number)
        mine = [attempt for attempt in attempts if attempt.contact_id == contact.pk]
        found.append(Contact(contact, own, mine, due, form))
    return found


def numbers(appeals: list[Appeal]) -> str:
    """Appeals' numbers as a sentence lists them: "№5998, №6001"."""
    return ", ".join(f"№{appeal.number}" for appeal in appeals)


def _page(
    request: HttpRequest, appeal: Appeal, failed: CallbackForm | None = None, status: int = 200
) -> HttpResponse:
    attempts = callback_attempts(appeal)
    for attempt in attempts:
        attempt.outcome = _outcome(attempt)
    contacts = _contacts(appeal, attempts, failed)
    repeats = [contact.appeal for contact in contacts if not contact.own]
    # Said while the repeats' applicants are to be called (the appeal's closing does not wait).
    waiting = uncalled(repeats, attempts) if appeal.status in REPEATS_CALLED else []
    shown = failed is not None and any(contact.form is failed for contact in contacts)
    stray = [] if failed is None or shown else [e for errors in failed.errors.values() for e in errors]
    context = {
        "appeal": appeal,
        "answered_at": answered_at(appeal),
        "status_label": pick(appeal.get_status_display()),
        "contacts": contacts,
        "uncalled": numbers(waiting),
        # A refused form of nobody on the page (a stale or altered one): its reasons go on top.
        "stray_errors": stray,
        "attempts": attempts,
        "personal": sees_personal_data(request.principal),
        "max_attempts": settings.APPEALS_CALLBACK_MAX_ATTEMPTS,
        "result": RESULTS.get(request.GET.get("result", "")),
    }
    return render(request, "consoles/operator/callback.html", context, status=status)


@require_http_methods(["GET", "POST"])
@console_page(Operation.APPEAL_CALLBACK)
def callback_page(request: HttpRequest, number: int) -> HttpResponse:
    appeal = _appeal_for(request, number)
    if request.method == "GET":
        return _page(request, appeal)
    form = _form(request.POST.get("contact", ""), request.POST)
    if not form.is_valid():
        return _page(request, appeal, form, status=400)
    reached, satisfied = ANSWERS[form.cleaned_data["outcome"]]
    try:
        result = actions.record_callback(
            request.principal,
            appeal.number,
            reached=reached,
            satisfied=satisfied,
            comment=form.cleaned_data["comment"].strip(),
            contact_number=form.cleaned_data["contact"],
        )
    except AppealError as error:
        for problem in error.problems:
            form.add_error(None, pick(problem.message))
        return _page(request, _appeal_for(request, number), form, status=400)
    outcome = "reopened" if result.reopened else "informed" if result.informed else "attempt"
    return redirect(f"{reverse('consoles:callback', args=[appeal.number])}?result={outcome}")
