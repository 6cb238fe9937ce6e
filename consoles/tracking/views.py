"""The citizen's tracking page on the akimat's host (`/track/`): the number read out on the phone
and the access code from the receipt (or the last four digits of the caller's phone) give the
appeal's status and dates, nothing personal (`appeals.tracking.service`).

A citizen is anonymous: the language switch keeps their choice in a cookie (staff keep theirs on
their profile; `consoles.language`). The secrets travel in a POST body, never in a URL that logs
and histories keep. Every refusal is a 4xx page saying why in the screen's language, next to the
field it is about, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appeals.errors import AppealError
from appeals.models import Appeal, EmergencyStatus
from appeals.rules.text import ascii_digits
from appeals.states import Status
from appeals.tracking.limits import requester_of
from appeals.tracking.service import TooManyAttempts, TrackingUnavailable, track
from consoles.text import pick

TEMPLATE = "consoles/tracking/track.html"
NUMBER_DIGITS_MAX = 19  # a bigint has at most 19 digits
UNAVAILABLE_RETRY_SECONDS = 30

# The domain's problem fields, as the page's inputs are named.
FIELDS = {"number": "number", "accessCode": "access_code", "phoneLast4": "phone_last4"}
NOT_A_NUMBER = _("The appeal number is digits only, e.g. 1024.")
MESSAGES = {
    "not_a_form": _("The form did not arrive whole. Please send it again."),
    "not_a_number": NOT_A_NUMBER,
    "invalid_number": NOT_A_NUMBER,
    "required": _("Enter the access code from the receipt, or the last 4 digits of your phone."),
    "invalid_access_code": _("The access code has 8 letters and digits, e.g. ABCD-EFGH."),
    "invalid_phone_last4": _("Enter exactly the last 4 digits of the phone."),
    "access_code_required": _(
        "The phone's digits no longer open this appeal: enter the access code from the receipt."
    ),
    "not_found": _(
        "No appeal matches this number and code. Check the number and the access code "
        "(or the last 4 digits of the phone)."
    ),
    "unavailable": _("Tracking is unavailable for a moment. Please try again in a minute."),
}
STATUS_OF_CODE = {"access_code_required": 403, "not_found": 404}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    field: str | None  # the input it is about, or None for the whole form


def _refusal(code: str, field: str | None = None, fallback: str = "") -> Refusal:
    message = MESSAGES.get(code)
    return Refusal(code, str(message) if message is not None else pick(fallback), field)


def _of(error: AppealError) -> Refusal:
    problem = error.problems[0]
    if isinstance(error, TooManyAttempts):
        minutes = max(1, -(-error.retry_after // 60))
        message = gettext("Too many wrong attempts. Try again in %(minutes)s min.") % {"minutes": minutes}
        return Refusal(problem.code, message, None)
    return _refusal(problem.code, FIELDS.get(problem.field or ""), problem.message)


def _tracked(appeal: Appeal) -> dict[str, object]:
    """What a citizen may see: status and dates (and 112's status), nothing personal."""
    forward = getattr(appeal, "emergency", None)
    return {
        "number": appeal.number,
        "status": appeal.status,
        "status_label": pick(Status(appeal.status).label),
        "received_at": appeal.received_at,
        "deadline": appeal.deadline,
        "resolved_at": appeal.resolved_at,
        "closed_at": appeal.closed_at,
        "emergency": pick(EmergencyStatus(forward.status).label) if forward is not None else None,
    }


def _answer(
    request: HttpRequest,
    typed: dict[str, str],
    *,
    status: int = 200,
    refusal: Refusal | None = None,
    tracked: dict[str, object] | None = None,
    retry_after: int | None = None,
) -> HttpResponse:
    context = {"typed": typed, "refusal": refusal, "tracked": tracked, "language_next": _after_switch(typed)}
    response = render(request, TEMPLATE, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _after_switch(typed: dict[str, str]) -> str:
    """Where the language switch leads back: the form, with the number (which opens nothing alone)."""
    number = typed.get("number", "")
    valid = ascii_digits(number) and len(number) <= NUMBER_DIGITS_MAX
    return f"/track/?{urlencode({'number': number})}" if valid else "/track/"


@never_cache
@require_http_methods(["GET", "POST"])
def track_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # The number alone opens nothing: kept in the address after a language switch.
        number = request.GET.get("number", "")
        valid = ascii_digits(number) and len(number) <= NUMBER_DIGITS_MAX
        return _answer(request, {"number": number if valid else ""})
    try:
        request.POST  # noqa: B018 - parsed here to answer a body that cannot be parsed in our own words
    except (MultiPartParserError, SuspiciousOperation):
        return _answer(request, {}, status=400, refusal=_refusal("not_a_form"))
    # Nothing typed is lost: a refused form comes back filled in (in the body of a POST answer that
    # no cache keeps, never in a URL).
    typed = {name: request.POST.get(name, "").strip() for name in ("number", "access_code", "phone_last4")}
    number = typed["number"]
    if len(number) > NUMBER_DIGITS_MAX or not ascii_digits(number):
        return _answer(request, typed, status=400, refusal=_refusal("not_a_number", "number"))
    try:
        appeal = track(
            int(number),
            requester_of(request.META),
            phone_last4=typed["phone_last4"],
            code=typed["access_code"],
        )
    except TooManyAttempts as error:
        return _answer(request, typed, status=429, refusal=_of(error), retry_after=error.retry_after)
    except TrackingUnavailable as error:
        refusal = _of(error)
        return _answer(request, typed, status=503, refusal=refusal, retry_after=UNAVAILABLE_RETRY_SECONDS)
    except AppealError as error:
        refusal = _of(error)
        return _answer(request, typed, status=STATUS_OF_CODE.get(refusal.code, 400), refusal=refusal)
    if appeal is None:
        return _answer(request, typed, status=404, refusal=_refusal("not_found"))
    return _answer(request, {"number": number}, tracked=_tracked(appeal))
