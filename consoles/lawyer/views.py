"""The lawyer's pages. They read through `appeals.reads.violations` and act through
`appeals.actions`; a refused action comes back as field errors in the screen's language with
what was typed kept. Supervisors and the akim see the same pages without the forms."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import Operation
from accounts.personal_data import PersonalField, personal_value, sees_personal_data
from appeals.errors import AppealError
from appeals.models import Organisation, Violation, ViolationStatus
from appeals.reads import violations as register
from consoles.access import console_page
from consoles.lawyer.steps import STEPS, available_steps
from consoles.text import pick

STATES = [("", None), *ViolationStatus.choices]
STATE_LABELS = dict(ViolationStatus.choices)


def _history(violation: Violation) -> list[tuple[object, str, str]]:
    """Each event with its states in the screen's language ("" before the first state)."""
    return [
        (
            event,
            pick(STATE_LABELS.get(event.from_status, "")) or "—",
            pick(STATE_LABELS.get(event.to_status, "")),
        )
        for event in violation.events.all()
    ]


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@console_page(Operation.VIOLATION_VIEW)
def violations(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ViolationStatus.values else ""
    organisation = request.GET.get("organisation", "")
    page = _page_number(request)
    start = (page - 1) * register.PAGE
    # One row more than a page says whether there is a next page, without counting.
    rows = list(register.register(status, organisation)[start : start + register.PAGE + 1])
    context = {
        "rows": rows[: register.PAGE],
        "page": page,
        "has_next": len(rows) > register.PAGE,
        "status": status,
        "organisation": organisation,
        "organisations": list(Organisation.objects.order_by("name_ru").only("code", "name_kk", "name_ru")),
        "counts": register.state_counts(),
        "states": STATES,
    }
    return render(request, "consoles/lawyer/register.html", context)


def _violation(violation_id: int) -> Violation:
    found = register.violation(violation_id)
    if found is None:
        raise Http404
    return found


def _violation_page(
    request: HttpRequest,
    violation: Violation,
    *,
    failed: str = "",
    errors: object = None,
    typed: str = "",
    status: int = 200,
) -> HttpResponse:
    appeal = violation.appeal
    steps = available_steps(request.principal, violation)
    if failed and all(step.name != failed for step in steps):
        # The move was refused (someone moved the violation meanwhile): its form stays, with the text.
        steps.append(STEPS[failed])
    context = {
        "v": violation,
        "appeal": appeal,
        "events": _history(violation),
        "steps": steps,
        "applicant_name": personal_value(request.principal, PersonalField.NAME, appeal.applicant_name),
        "applicant_phone": personal_value(request.principal, PersonalField.PHONE, appeal.applicant_phone),
        "personal": sees_personal_data(request.principal),
        "failed": failed,
        "errors": errors or [],
        "typed": typed,
    }
    return render(request, "consoles/lawyer/violation.html", context, status=status)


@console_page(Operation.VIOLATION_VIEW)
def violation_page(request: HttpRequest, violation_id: int) -> HttpResponse:
    return _violation_page(request, _violation(violation_id))


@require_POST
@console_page(Operation.VIOLATION_MANAGE)
def take_step(request: HttpRequest, violation_id: int, step_name: str) -> HttpResponse:
    step = STEPS.get(step_name)
    if step is None:
        raise Http404
    typed = request.POST.get("text", "")
    try:
        step.call(request.principal, violation_id, typed)
    except AppealError as error:
        if any(p.code == "not_found" for p in error.problems):
            raise Http404 from None
        return _violation_page(
            request,
            _violation(violation_id),
            failed=step.name,
            errors=error.problems,
            typed=typed,
            status=400,
        )
    return redirect("consoles:violation", violation_id=violation_id)


@console_page(Operation.VIOLATION_VIEW)
def act(request: HttpRequest, violation_id: int) -> HttpResponse:
    """The act of the violation, laid out for paper (a print stylesheet; the browser prints it)."""
    violation = _violation(violation_id)
    return render(
        request,
        "consoles/lawyer/act.html",
        {
            "v": violation,
            "appeal": violation.appeal,
            "events": _history(violation),
            "akimat": request.tenant,
            "personal": sees_personal_data(request.principal),
        },
    )


@console_page(Operation.VIOLATION_VIEW)
def person_year(request: HttpRequest, person_id: int) -> HttpResponse:
    year = register.person_year(person_id)
    if year is None:
        raise Http404
    return render(request, "consoles/lawyer/person.html", {"year": year})
