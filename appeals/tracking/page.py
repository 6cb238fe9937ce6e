"""The citizen's tracking page on the akimat's host: the number read out on the phone and the access
code from the receipt (or the last four digits of the caller's phone) give the appeal's status and
dates (appeals.tracking.service), nothing personal. The secrets travel in a POST body, never in a
URL that logs and histories keep. Every refusal is a 4xx page saying why, never a 500."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appeals.errors import AppealError
from appeals.models import EmergencyStatus
from appeals.rules.text import ascii_digits
from appeals.states import Status
from appeals.tracking.limits import requester_of
from appeals.tracking.service import TooManyAttempts, TrackingUnavailable, track

NOT_FOUND = (
    "Нөмір немесе телефонның соңғы 4 саны (код) сәйкес келмейді / "
    "Номер или последние 4 цифры телефона (код) не совпадают"
)
NOT_A_NUMBER = "Өтініш нөмірі — сан / Номер обращения — число"
NOT_A_FORM = "Форманы қайта жіберіңіз / Отправьте форму ещё раз"
NUMBER_DIGITS_MAX = 19  # a bigint has at most 19 digits
STATUS_OF_CODE = {"access_code_required": 403}
UNAVAILABLE_RETRY_SECONDS = 30


def _form_value(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "").strip()


@never_cache
@require_http_methods(["GET", "POST"])
def track_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"akimat": request.tenant}
    if request.method == "GET":
        return render(request, "appeals/track.html", context)
    try:
        request.POST  # noqa: B018 - parsed here to answer a body that cannot be parsed in our own words
    except (MultiPartParserError, SuspiciousOperation):
        context.update(error=NOT_A_FORM, code="not_a_form")
        return render(request, "appeals/track.html", context, status=400)
    number = _form_value(request, "number")
    if len(number) > NUMBER_DIGITS_MAX or not ascii_digits(number):
        context.update(error=NOT_A_NUMBER, code="not_a_number")
        return render(request, "appeals/track.html", context, status=400)
    context["number"] = number
    try:
        appeal = track(
            int(number),
            requester_of(request.META),
            phone_last4=_form_value(request, "phone_last4"),
            code=_form_value(request, "access_code"),
        )
    except TooManyAttempts as error:
        return _refused(request, context, error, 429, retry_after=error.retry_after)
    except TrackingUnavailable as error:
        return _refused(request, context, error, 503, retry_after=UNAVAILABLE_RETRY_SECONDS)
    except AppealError as error:
        return _refused(request, context, error, STATUS_OF_CODE.get(error.problems[0].code, 400))
    if appeal is None:
        context.update(error=NOT_FOUND, code="not_found")
        return render(request, "appeals/track.html", context, status=404)
    forward = getattr(appeal, "emergency", None)
    context["appeal"] = {
        "number": appeal.number,
        "status": Status(appeal.status).label,
        "received_at": appeal.received_at,
        "deadline": appeal.deadline,
        "resolved_at": appeal.resolved_at,
        "closed_at": appeal.closed_at,
        "emergency": EmergencyStatus(forward.status).label if forward is not None else None,
    }
    return render(request, "appeals/track.html", context)


def _refused(
    request: HttpRequest,
    context: dict[str, object],
    error: AppealError,
    status: int,
    retry_after: int | None = None,
) -> HttpResponse:
    problem = error.problems[0]
    context.update(error=problem.message, code=problem.code)
    response = render(request, "appeals/track.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
