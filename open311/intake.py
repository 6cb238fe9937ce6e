"""POST /requests: an Open311 report becomes an appeal through the API's own intake.

The caller is an API client with a Keycloak token (the integrator's credentials and limits, as for
GraphQL); its roles decide, as for `createAppeal`. Open311's fields map onto intake's: `lat`/`long`
the place, `address_string` the address, `first_name` and `last_name` the name, `phone` the phone
(intake needs one: the 109 line calls back), `description`; the `Idempotency-Key` header is
intake's client key (a re-sent report gets its first number). An emergency category is not a
service here (`public_category`).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.principal import Principal
from appeals import actions
from appeals.actions.intake import AppealInput, IntakeResult, intake_problems
from appeals.errors import AppealError, Problem
from appeals.models import Channel
from open311.services import public_category

# Intake's field names (the API's) as Open311 names them.
FIELDS = {
    "description": "description",
    "applicantPhone": "phone",
    "applicantName": "first_name",
    "address": "address_string",
    "location": "lat",
    "category": "service_code",
    "clientKey": "Idempotency-Key",
}
NO_SUCH_SERVICE = _("{value}: no such service (GET services.json lists them).")
NOT_A_NUMBER = _("Not a number.")
PLACE_REQUIRED = _("A place is required: lat and long, or address_string.")


NOT_UTF8 = _("The text is not valid UTF-8 (the form must be sent in UTF-8).")


def _coordinate(form: Mapping[str, str], name: str, problems: list[Problem]) -> float | None:
    text = (form.get(name) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(name, "invalid_location", NOT_A_NUMBER))
        return None
    if value != value or value in (float("inf"), float("-inf")):
        problems.append(Problem(name, "invalid_location", NOT_A_NUMBER))
        return None
    return value


def report(actor: Principal, form: Mapping[str, str], idempotency_key: str = "") -> IntakeResult:
    """Create the appeal an Open311 report asks for, or raise AppealError with every problem under
    Open311's own field names."""
    problems: list[Problem] = []
    # A form field's bytes that were not UTF-8 reach us as U+FFFD: refused, never stored altered.
    problems += [
        Problem(name, "invalid_characters", NOT_UTF8)
        for name, value in sorted(form.items())
        if "\ufffd" in value
    ]
    code = (form.get("service_code") or "").strip()
    if not code:
        problems.append(Problem("service_code", "required", _("service_code is required.")))
    elif public_category(code) is None:
        message = format_lazy(NO_SUCH_SERVICE, value=repr(code[:60]))
        problems.append(Problem("service_code", "not_found", message))
    latitude = _coordinate(form, "lat", problems)
    longitude = _coordinate(form, "long", problems)
    address = form.get("address_string") or ""
    place_refused = any(p.field in ("lat", "long") for p in problems)
    if latitude is None and longitude is None and not address.strip() and not place_refused:
        problems.append(Problem("lat", "required", PLACE_REQUIRED))
    parts = (form.get("first_name") or "", form.get("last_name") or "")
    name = " ".join(part.strip() for part in parts if part.strip())
    data = AppealInput(
        channel=Channel.API,
        description=form.get("description") or "",
        applicant_phone=form.get("phone") or "",
        applicant_name=name,
        address=address,
        latitude=latitude,
        longitude=longitude,
        # A service refused above is not intake's to refuse again.
        category_code="" if any(p.field == "service_code" for p in problems) else code,
        client_key=idempotency_key,
    )
    if problems:  # with intake's own problems of the rest: the caller learns them all at once
        named = {p.field for p in problems}
        problems += [p for p in map(_renamed, intake_problems(data)) if p.field not in named]
        raise AppealError(*problems)
    try:
        return actions.create_appeal(actor, data)
    except AppealError as error:
        raise AppealError(*[_renamed(p) for p in error.problems]) from None


def _renamed(problem: Problem) -> Problem:
    name = FIELDS.get(problem.field or "", problem.field)
    return Problem(name, problem.code, problem.message, appeal_number=problem.appeal_number)
