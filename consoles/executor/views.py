"""The executor's pages, phone first: the organisation's appeals (assigned, in progress), and one
appeal to start, or to report done or not done with a comment and photos.

Reads go through `appeals.reads`, changes through `appeals.actions`; photos go through the same
attachment action as `POST /appeals/<number>/attachments`, with the client key the page's upload
queue gives each photo, so a resend after a lost answer stores nothing twice.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.permissions import Operation, can, sees_personal_data
from appeals import actions
from appeals.attachments.actions import add_attachment_once
from appeals.errors import AppealError, Problem
from appeals.models import Appeal
from appeals.reads import assignments
from appeals.rules.access import Reach, reach
from appeals.states import allowed_transitions
from consoles.access import console_page
from consoles.executor.forms import REQUIRED, FinishForm
from consoles.text import pick

EXECUTE = Operation.APPEAL_EXECUTE
STEPS = ("start_work", "mark_done", "mark_not_done")
NOT_YOURS = _("This appeal is not assigned to your organisation.")


class NoOrganisation(Exception):
    """The person's identity names no organisation this akimat knows: they reach nothing."""

    def __init__(self, error: AppealError) -> None:
        self.problems = error.problems


def _reach(request: HttpRequest) -> Reach:
    try:
        return reach(request.principal, EXECUTE)
    except AppealError as error:
        raise NoOrganisation(error) from error


def _refused(request: HttpRequest, error: NoOrganisation) -> HttpResponse:
    reasons = [pick(problem.message) for problem in error.problems]
    return render(request, "consoles/executor/no_organisation.html", {"reasons": reasons}, status=403)


@console_page(EXECUTE)
def assignment_list(request: HttpRequest) -> HttpResponse:
    try:
        scope = _reach(request)
    except NoOrganisation as error:
        return _refused(request, error)
    context = {
        "rows": list(assignments.assignments(scope)[: assignments.PAGE]),
        "counts": assignments.counts(scope),
        "personal": sees_personal_data(request.principal),
    }
    return render(request, "consoles/executor/list.html", context)


def _appeal_for(request: HttpRequest, number: int) -> Appeal:
    """The appeal if the person's organisation has it; any other is "not found" to them."""
    appeal = Appeal.objects.select_related("category", "organisation").filter(number=number).first()
    if appeal is None or not _reach(request).allows(appeal):
        raise Http404
    return appeal


def _steps(request: HttpRequest, appeal: Appeal) -> set[str]:
    """The executor's transitions the machine and the matrix allow now (the appeal is in reach)."""
    return {
        transition.name
        for transition in allowed_transitions(appeal.status)
        if transition.name in STEPS and can(request.principal, transition.operation)
    }


def _page(
    request: HttpRequest, appeal: Appeal, form: FinishForm | None = None, *, status: int = 200
) -> HttpResponse:
    steps = _steps(request, appeal)
    context = {
        "appeal": appeal,
        "status_label": pick(appeal.get_status_display()),
        "can_start": "start_work" in steps,
        "can_finish": bool(steps & {"mark_done", "mark_not_done"}),
        "form": form or FinishForm(),
        "attachments": list(appeal.attachments.order_by("uploaded_at", "id")),
        "events": list(appeal.events.order_by("at", "id")),
        "personal": sees_personal_data(request.principal),
    }
    return render(request, "consoles/executor/appeal.html", context, status=status)


@console_page(EXECUTE)
def appeal_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        return _page(request, _appeal_for(request, number))
    except NoOrganisation as error:
        return _refused(request, error)


@require_POST
@console_page(EXECUTE)
def start(request: HttpRequest, number: int) -> HttpResponse:
    try:
        appeal = _appeal_for(request, number)
        actions.start_work(request.principal, appeal.number)
    except NoOrganisation as error:
        return _refused(request, error)
    except AppealError as error:
        # Someone else moved it meanwhile: the page shows where it is now and why.
        form = FinishForm()
        form.add_problems(error.problems)
        return _page(request, _appeal_for(request, number), form, status=400)
    return redirect("consoles:executor-appeal", number=number)


@require_POST
@console_page(EXECUTE)
def finish(request: HttpRequest, number: int) -> HttpResponse:
    """Done or not done. Photos posted with the form (no script on the page) are attached first,
    so a refused report keeps them; with the script they have gone ahead through `photos`."""
    try:
        appeal = _appeal_for(request, number)
    except NoOrganisation as error:
        return _refused(request, error)
    form = FinishForm(request.POST)
    if not form.is_valid():
        return _page(request, appeal, form, status=400)
    for photo in request.FILES.getlist("photos"):
        try:
            add_attachment_once(request.principal, appeal.number, photo, photo=True)
        except AppealError as error:
            form.add_problems(error.problems)
    if form.photo_errors:
        return _page(request, appeal, form, status=400)
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["outcome"] == "mark_done":
            actions.mark_done(request.principal, appeal.number, resolution=comment)
        else:
            actions.mark_not_done(request.principal, appeal.number, reason=comment)
    except AppealError as error:
        form.add_problems(error.problems)
        return _page(request, _appeal_for(request, number), form, status=400)
    return redirect("consoles:executor-appeal", number=number)


def _json_errors(problems: list[Problem], status: int) -> JsonResponse:
    """The attachment endpoint's body, with each message in the screen's language."""
    return JsonResponse(
        {"errors": [{"field": p.field, "code": p.code, "message": pick(p.message)} for p in problems]},
        status=status,
    )


@require_POST
@console_page(EXECUTE)
def photo(request: HttpRequest, number: int) -> JsonResponse:
    """One photo from the upload queue: 201 stored now, 200 stored before under the same client
    key (a resend), 4xx refused for good (the queue stops resending it)."""
    upload = request.FILES.get("file")
    if upload is None:
        return _json_errors([Problem("file", "required", str(REQUIRED))], 400)
    try:
        appeal = _appeal_for(request, number)
    except Http404:
        # JSON, so the queue stops resending: the appeal is gone from the organisation's reach.
        return _json_errors([Problem("number", "not_found", str(NOT_YOURS))], 404)
    except NoOrganisation as error:
        return _json_errors(error.problems, 403)
    try:
        added = add_attachment_once(
            request.principal,
            appeal.number,
            upload,
            client_key=request.POST.get("client_key", ""),
            photo=True,
        )
    except AppealError as error:
        forbidden = any(p.code == "forbidden" for p in error.problems)
        return _json_errors(error.problems, 403 if forbidden else 400)
    return JsonResponse(
        {"token": str(added.attachment.token), "name": added.attachment.original_name},
        status=201 if added.created else 200,
    )
