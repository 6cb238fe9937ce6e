"""Operator pages. Each view reads through `appeals.reads`, acts through `appeals.actions`, and
turns a refused action into field errors in the screen's language with what was typed kept."""

from __future__ import annotations

import uuid
from contextlib import suppress

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Operation, can
from accounts.personal_data import PersonalField, personal_value, sees_personal_data
from appeals import actions
from appeals.catalogue.cache import active_category
from appeals.errors import AppealError
from appeals.models import Appeal, AppealEvent, EventKind
from appeals.reads import worklists
from appeals.reads.emergency import emergency
from appeals.reads.queues import callback_queue, uncalled_repeats
from appeals.reads.transfers import proposed_akimat, transfer_chain
from appeals.repeats.candidates import repeat_candidates
from appeals.rules.access import reach
from appeals.states import Status
from consoles.access import console_page
from consoles.operator.callbacks import numbers
from consoles.operator.forms import IntakeForm
from consoles.operator.step_options import code_of, step_options
from consoles.operator.steps import STEPS, available_steps, refused_fields
from consoles.text import local, pick

LISTS = (
    (worklists.Worklist.NEW, _("New")),
    (worklists.Worklist.REGISTERED, _("Registered")),
    (worklists.Worklist.OVERDUE, _("Overdue")),
    (worklists.Worklist.DUE_SOON, _("Due within 24 h")),
)


@console_page(Operation.APPEAL_ROUTE)
def queues(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    unknown = ""
    if query:
        kind, rows = "search", list(worklists.search(query)[: worklists.PAGE])
    elif request.GET.get("list") == "callback":
        kind, rows = "callback", list(callback_queue().select_related("category")[: worklists.PAGE])
    else:
        try:
            chosen = worklists.Worklist(request.GET.get("list", worklists.Worklist.NEW))
        except ValueError:  # a bookmark of a list that is gone, a typo: said, and the new ones shown
            unknown, chosen = request.GET.get("list", "")[:40], worklists.Worklist.NEW
        kind, rows = chosen.value, list(worklists.worklist(chosen)[: worklists.PAGE])
    context = {
        "kind": kind,
        "rows": rows,
        "query": query,
        "counts": {k.value: v for k, v in worklists.counts().items()},
        "callback_count": callback_queue().count(),
        "lists": LISTS,
        "unknown_list": unknown,
    }
    template = "consoles/operator/_rows.html" if request.htmx else "consoles/operator/queues.html"
    return render(request, template, context, status=400 if unknown else 200)


def _appeal_for(request: HttpRequest, number: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related("category", "organisation", "assignee", "parent", "emergency")
        .filter(number=number)
        .first()
    )
    if appeal is None or not reach(request.principal, Operation.APPEAL_VIEW).allows(appeal):
        raise Http404
    return appeal


REPEAT_STATUSES = frozenset({Status.RECEIVED, Status.REGISTERED, Status.ASSIGNED})


def _repeat_candidates(appeal: Appeal, events: list[AppealEvent]) -> list[Appeal]:
    """What the operator still has to decide: nearby originals not yet kept apart from this one."""
    if appeal.parent_id is not None or appeal.status not in REPEAT_STATUSES or appeal.repeat_count:
        return []
    kept = {n for e in events if e.kind == EventKind.KEPT_SEPARATE for n in e.data.get("proposed", [])}
    found = repeat_candidates(appeal.category, appeal.location, appeal.object_key, exclude_id=appeal.pk)
    return [candidate for candidate in found if candidate.number not in kept][:5]


def _page(
    request: HttpRequest,
    appeal: Appeal,
    *,
    failed: str = "",
    errors: object = None,
    typed: object = None,
    refused: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    events = list(appeal.events.order_by("at", "id"))
    may_route = can(request.principal, Operation.APPEAL_ROUTE)
    steps = available_steps(request.principal, appeal)
    context = {
        "appeal": appeal,
        "candidates": _repeat_candidates(appeal, events) if may_route else [],
        "status_label": pick(appeal.get_status_display()),
        "events": events,
        "attachments": list(appeal.attachments.order_by("uploaded_at", "id")),
        "steps": steps,
        "options": step_options(
            {f.options for _, step in steps for f in step.fields if f.options}, request.tenant
        ),
        "emergency": emergency(appeal),
        "transfers": transfer_chain(appeal, events, request.tenant),
        "personal": sees_personal_data(request.principal),
        # Whole for the roles that see personal data, else masked (the last two digits).
        "applicant_iin": personal_value(request.principal, PersonalField.IIN, appeal.applicant_iin),
        "proposed_to": _proposed_to(appeal),
        # The close step warns while repeats' applicants are still to be called (it is not held back).
        "uncalled": numbers(uncalled_repeats(appeal)) if any(t.name == "close" for t, step in steps) else "",
        "failed": failed,
        "errors": errors or [],
        "refused": refused or [],
        "typed": typed or ({"akimat": appeal.transfer_proposal} if appeal.transfer_proposal else {}),
    }
    return render(request, "consoles/operator/appeal.html", context, status=status)


def _proposed_to(appeal: Appeal) -> str:
    """The proposed akimat by its name in the screen's language (its slug if the registry lost it)."""
    akimat = proposed_akimat(appeal)
    return local(akimat) if akimat is not None else appeal.transfer_proposal


@console_page(Operation.APPEAL_VIEW)
def appeal_page(request: HttpRequest, number: int) -> HttpResponse:
    return _page(request, _appeal_for(request, number))


@require_POST
@console_page(Operation.APPEAL_VIEW)
def take_step(request: HttpRequest, number: int, transition: str) -> HttpResponse:
    appeal = _appeal_for(request, number)
    step = STEPS.get(transition)
    if step is None:
        raise Http404
    typed = {
        field.name: code_of(field.options, request.POST.get(field.name, "").strip(), request.tenant)
        for field in step.fields
    }
    try:
        step.call(request.principal, appeal.number, typed)
    except AppealError as error:
        return _page(
            request,
            _appeal_for(request, number),
            failed=transition,
            errors=error.problems,
            typed=typed,
            refused=refused_fields(step, error.problems),
            status=400,
        )
    return redirect("consoles:appeal", number=appeal.number)


@require_POST
@console_page(Operation.APPEAL_ROUTE)
def decide_repeat(request: HttpRequest, number: int) -> HttpResponse:
    """The operator's answer to the proposed repeats: this appeal is a repeat of one, or separate."""
    appeal = _appeal_for(request, number)
    try:
        if request.POST.get("decision") == "link":
            original = _number(request.POST.get("original"))
            if original is None:
                raise AppealError.of("original", "required", "Бастапқы өтініш / Исходное обращение")
            actions.link_as_repeat(request.principal, appeal.number, original_number=original)
        else:
            proposed = [n for n in map(_number, request.POST.getlist("proposed")) if n is not None]
            actions.keep_separate(request.principal, appeal.number, proposed=proposed)
    except AppealError as error:
        return _page(request, appeal, failed="repeat", errors=error.problems, status=400)
    return redirect("consoles:appeal", number=appeal.number)


def _number(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _refused_intake(request: HttpRequest, form: IntakeForm) -> HttpResponse:
    """The form again with what was posted: the chosen category by its name, and marked when it
    goes to 112, so the operator is asked again before the next save forwards it."""
    code = str(form["category"].value() or "")
    chosen = active_category(code) if code else None
    return render(request, "consoles/operator/intake.html", {"form": form, "chosen": chosen}, status=400)


@require_http_methods(["GET", "POST"])
@console_page(Operation.APPEAL_CREATE)
def intake(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        phone = request.GET.get("phone", "")[:40]
        form = IntakeForm(initial={"client_key": uuid.uuid4().hex, "channel": "landline", "phone": phone})
        return render(request, "consoles/operator/intake.html", {"form": form})
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return _refused_intake(request, form)
    try:
        result = actions.create_appeal(request.principal, form.appeal_input())
    except AppealError as error:
        form.add_problems(error.problems)
        return _refused_intake(request, form)
    appeal = result.appeal
    original = _number(request.POST.get("repeat_of"))
    if original is not None and result.created and appeal.status in REPEAT_STATUSES:
        # Saved as a repeat of a candidate the form showed: linked before any work order goes out.
        try:
            actions.link_as_repeat(request.principal, appeal.number, original_number=original)
        except AppealError as error:  # e.g. closed meanwhile: an appeal of its own, for the operator
            return _page(request, appeal, failed="repeat", errors=error.problems, status=400)
        return redirect("consoles:appeal", number=appeal.number)
    if result.created and appeal.status == Status.REGISTERED and not appeal.transfer_proposal:
        # Phone intake: classified while talking, so it goes on to the service routing names. With
        # no rule for the place, it waits registered for the operator to choose (the page says so).
        with suppress(AppealError):
            actions.assign_appeal(request.principal, appeal.number)
    return redirect("consoles:appeal", number=appeal.number)
