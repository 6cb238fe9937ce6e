"""The citizens' portal on the akimat's host (`/appeal/`): a citizen sends an appeal from a phone
without signing in, and gets its number and access code for `/track/` (appeals.portal, decision 100).

A citizen is anonymous: the language is the screen's (a cookie, as on `/track/`), and it is the
language the 109 line answers in. The form works without JavaScript; with it, the map puts a pin
(a tap, or the phone's own position). Every refusal is a 4xx page in the screen's language, next
to the field it is about, with everything typed kept; never a 500.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from appeals.catalogue.cache import active_category, category_groups
from appeals.errors import AppealError, Problem
from appeals.portal.kept_photos import without_dropped
from appeals.portal.submission import (
    FORM_KEY,
    MAX_PHOTOS,
    CitizenAppeal,
    FormPhotos,
    FormRefused,
    TooManyAppeals,
    new_form_key,
    refuse,
    submit,
)
from appeals.tracking.access_code import readable
from appeals.tracking.limits import requester_of
from consoles.boundary import boundary_response
from consoles.text import language, pick

TEMPLATE = "consoles/portal/submit.html"
RECEIPT = "consoles/portal/receipt.html"
TYPED = ("category", "description", "address", "latitude", "longitude", "phone", "name")

# The domain's fields (the API's names) as the form's inputs are named.
INPUTS = {
    "description": "description",
    "applicantPhone": "phone",
    "applicantName": "name",
    "address": "address",
    "category": "category",
    "location": "location",
    "photo": "photo",
}
# Said the citizen's way where the domain's wording is the operators'.
MESSAGES = {
    ("description", "required"): _("Describe the problem: what, where, since when."),
    ("phone", "required"): _("Enter a phone number: the 109 line calls back on it."),
    ("phone", "invalid_phone"): _("Enter a phone number as +7 705 123 45 67 or 8 705 123 45 67."),
    ("category", "not_found"): _("Pick a topic from the list, or leave it to the operator."),
    ("location", "invalid_location"): _("The place on the map was not understood: put the pin again."),
    ("location", "outside_region"): _(
        "The pin lies outside the North Kazakhstan region: put it where the problem is."
    ),
}


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    field: str | None


def _coordinate(text: str, bound: float) -> float | None:
    """A latitude or longitude as typed by the map, or None when empty; ValueError if not one."""
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value) or abs(value) > bound:
        raise ValueError(text)
    return value


def _refusals(error: AppealError) -> list[Refusal]:
    found = []
    for problem in error.problems:
        field = INPUTS.get(problem.field or "") if problem.field else None
        message = MESSAGES.get((field, problem.code)) if field else None
        if problem.code == "idempotency_conflict":
            message = gettext(
                "This form was already sent as appeal №%(number)s with other words. "
                "Check the text and send it again: it will be a new appeal."
            ) % {"number": problem.appeal_number}
        found.append(Refusal(problem.code, str(message) if message else pick(str(problem.message)), field))
    return found


def _by_field(refusals: list[Refusal]) -> dict[str, Refusal]:
    """One refusal per field, beside it: several (two bad photos) said together, the first's code."""
    found: dict[str, Refusal] = {}
    for refusal in refusals:
        if refusal.field is None:
            continue
        first = found.get(refusal.field)
        if first is None:
            found[refusal.field] = refusal
        elif refusal.message not in first.message:
            found[refusal.field] = Refusal(first.code, f"{first.message} {refusal.message}", refusal.field)
    return found


def _form(
    request: HttpRequest,
    typed: dict[str, str],
    *,
    status: int = 200,
    refusals: list[Refusal] | None = None,
    form_key: str | None = None,
    retry_after: int | None = None,
    photos: FormPhotos | None = None,
) -> HttpResponse:
    refusals = refusals or []
    kept = photos.kept if photos else []
    context = {
        "typed": typed,
        "groups": category_groups(),
        "form_key": form_key or new_form_key(),
        "errors": _by_field(refusals),
        "general": [r for r in refusals if not r.field],
        # Listed by name and size only: the page never shows a kept image (decision 109).
        "kept_photos": kept,
        "more_photos": MAX_PHOTOS - len(kept),
        # A browser cannot be given files back: what was not kept is to be chosen again.
        "photos_lost": bool(photos and photos.lost and not photos.renewed),
        "photos_renewed": bool(photos and photos.lost and photos.renewed),
        "max_photos": MAX_PHOTOS,
        "language_next": "/appeal/",
    }
    response = render(request, TEMPLATE, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _refused(
    request: HttpRequest, typed: dict[str, str], refused: FormRefused, form_key: str
) -> HttpResponse:
    refusals = _refusals(refused)
    if isinstance(refused.cause, TooManyAppeals):
        retry_after = refused.cause.retry_after
        return _form(
            request, typed, status=429, refusals=refusals, retry_after=retry_after, photos=refused.photos
        )
    # A changed re-send of a form that made its appeal, or a form not whole: a new form, what was
    # typed kept (its photos are not: the page says so).
    fresh = refused.photos.renewed
    return _form(
        request,
        typed,
        status=400,
        refusals=refusals,
        form_key=None if fresh else form_key,
        photos=refused.photos,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def submit_page(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        # The same form again after the language switch (`?form=`, portal.js): its kept photos
        # listed; what was typed the browser puts back.
        key = request.GET.get("form", "")
        if FORM_KEY.fullmatch(key):
            return _form(request, {}, form_key=key, photos=FormPhotos(without_dropped(key, ()), lost=False))
        return _form(request, {})
    try:
        request.POST  # noqa: B018 - parsed here to answer a body that cannot be parsed in our own words
    except (MultiPartParserError, SuspiciousOperation):
        refusal = Refusal("not_a_form", gettext("The form did not arrive whole. Please send it again."), None)
        return _form(request, {}, status=400, refusals=[refusal])
    typed = {name: request.POST.get(name, "") for name in TYPED}
    form_key = request.POST.get("form_key", "")
    appeal = CitizenAppeal(
        description=typed["description"],
        phone=typed["phone"],
        name=typed["name"],
        address=typed["address"],
        category_code=typed["category"].strip(),
        language=language(),
        form_key=form_key,
        photos=[photo for photo in request.FILES.getlist("photo") if photo.name or photo.size],
        kept_photos_listed=request.POST.get("kept_photos") == "1",
        dropped_photos=frozenset(request.POST.getlist("drop_photo")),
    )
    requester = requester_of(request.META)
    try:
        appeal.latitude = _coordinate(typed["latitude"].strip(), 90.0)
        appeal.longitude = _coordinate(typed["longitude"].strip(), 180.0)
    except ValueError:
        message = MESSAGES[("location", "invalid_location")]
        refused = refuse(appeal, AppealError(Problem("location", "invalid_location", message)), requester)
        return _refused(request, typed, refused, form_key)
    try:
        result = submit(appeal, requester)
    except FormRefused as refused:
        return _refused(request, typed, refused, form_key)
    sent = result.appeal
    category = active_category(sent.category.code) if sent.category_id else None
    context = {
        # Counted when kept photos came along (one may have expired meanwhile) or for a re-send.
        "photos": len(appeal.photos)
        if result.created and not appeal.kept_photos_listed
        else sent.attachments.count(),
        "number": sent.number,
        "access_code": readable(sent.access_code),
        "emergency": bool(category and category.is_emergency),
        "created": result.created,
        "language_next": "/appeal/",
    }
    return render(request, RECEIPT, context, status=201 if result.created else 200)


@require_GET
def boundary(request: HttpRequest) -> JsonResponse:
    """The akimat's boundary for the form's map: public, as the boundaries are."""
    return boundary_response(request.tenant)
