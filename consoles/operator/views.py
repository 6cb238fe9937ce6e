"""Operator pages. Each view reads through `appeals.reads`, acts through `appeals.actions`, and
turns a refused action into field errors in the screen's language with what was typed kept."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import Operation
from accounts.personal_data import sees_personal_data
from appeals import actions
from appeals.errors import AppealError
from appeals.models import Appeal
from appeals.reads import worklists
from appeals.reads.queues import callback_queue
from appeals.rules.access import reach
from consoles.access import console_page
from consoles.operator.forms import IntakeForm
from consoles.operator.steps import STEPS, available_steps
from consoles.text import pick

LISTS = (
    (worklists.Worklist.NEW, _("New")),
    (worklists.Worklist.REGISTERED, _("Registered")),
    (worklists.Worklist.OVERDUE, _("Overdue")),
    (worklists.Worklist.DUE_SOON, _("Due within 24 h")),
)


@console_page(Operation.APPEAL_ROUTE)
def queues(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    if query:
        kind, rows = "search", list(worklists.search(query)[: worklists.PAGE])
    elif request.GET.get("list") == "callback":
        kind, rows = "callback", list(callback_queue().select_related("category")[: worklists.PAGE])
    else:
        try:
            chosen = worklists.Worklist(request.GET.get("list", worklists.Worklist.NEW))
        except ValueError:
            chosen = worklists.Worklist.NEW
        kind, rows = chosen.value, list(worklists.worklist(chosen)[: worklists.PAGE])
    context = {
        "kind": kind,
        "rows": rows,
        "query": query,
        "counts": {k.value: v for k, v in worklists.counts().items()},
        "callback_count": callback_queue().count(),
        "lists": LISTS,
    }
    template = "consoles/operator/_rows.html" if request.htmx else "consoles/operator/queues.html"
    return render(request, template, context)


def _appeal_for(request: HttpRequest, number: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related("category", "organisation", "assignee", "parent")
        .filter(number=number)
        .first()
    )
    if appeal is None or not reach(request.principal, Operation.APPEAL_VIEW).allows(appeal):
        raise Http404
    return appeal


def _page(
    request: HttpRequest,
    appeal: Appeal,
    *,
    failed: str = "",
    errors: object = None,
    typed: object = None,
    status: int = 200,
) -> HttpResponse:
    events = list(appeal.events.order_by("at", "id"))
    context = {
        "appeal": appeal,
        "status_label": pick(appeal.get_status_display()),
        "events": events,
        "attachments": list(appeal.attachments.order_by("uploaded_at", "id")),
        "steps": available_steps(request.principal, appeal),
        "personal": sees_personal_data(request.principal),
        "failed": failed,
        "errors": errors or [],
        "typed": typed or {},
    }
    return render(request, "consoles/operator/appeal.html", context, status=status)


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
    typed = {field.name: request.POST.get(field.name, "").strip() for field in step.fields}
    try:
        step.call(request.principal, appeal.number, typed)
    except AppealError as error:
        return _page(
            request,
            _appeal_for(request, number),
            failed=transition,
            errors=error.problems,
            typed=typed,
            status=400,
        )
    return redirect("consoles:appeal", number=appeal.number)


@require_http_methods(["GET", "POST"])
@console_page(Operation.APPEAL_CREATE)
def intake(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = IntakeForm(initial={"client_key": uuid.uuid4().hex, "channel": "landline"})
        return render(request, "consoles/operator/intake.html", {"form": form})
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return render(request, "consoles/operator/intake.html", {"form": form}, status=400)
    try:
        result = actions.create_appeal(request.principal, form.appeal_input())
    except AppealError as error:
        form.add_problems(error.problems)
        return render(request, "consoles/operator/intake.html", {"form": form}, status=400)
    return redirect("consoles:appeal", number=result.appeal.number)
