"""A citizen sends an appeal from the akimat's site, without signing in (decision 100).

It is the same intake as the 109 line's (validation, repeat check, the region's message), with:
- the channel `web` and a citizen as the actor (no role: nothing else is open to it);
- never registered at once: an operator reads and classifies it;
- up to MAX_PHOTOS photos (the attachments' own checks: by content, 10 MB), stored in the appeal's
  transaction; refused photos refuse the form before anything is made;
- an emergency category is never forwarded to 112 from here: it waits at the head of the
  operators' list for a person to confirm (appeals.rules.emergency_intake), and the citizen is
  told to call 112 when life is at risk;
- the form's own key (`web-<32 hex>`, made when the form is shown): a re-sent form (a reload, a
  double tap, a lost answer) gets the first appeal's number and code, never a second appeal;
- limits per network address and per phone (APPEALS_PORTAL_PER_ADDRESS an hour,
  APPEALS_PORTAL_PER_PHONE a day), counted in Redis only for appeals actually created: a
  refused or re-sent form costs nothing. Redis down: the appeal is taken without counting (a
  citizen is never turned away for our outage; the limits only slow a flood).
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.principal import Principal, service_principal
from appeals.actions.intake import AppealInput, IntakeResult, record_intake
from appeals.attachments.actions import checked_uploads, store_sent_with
from appeals.errors import AppealError, Problem
from appeals.models import Appeal, Channel
from appeals.rules.applicants import normalise_phone
from appeals.tracking.limits import Blocked, Counter, CountersUnavailable, Requester, refund, reserve

log = logging.getLogger(__name__)

MAX_PHOTOS = 3
HOUR = 3600
DAY = 24 * HOUR
FORM_KEY = re.compile(r"web-[0-9a-f]{32}")
NOT_A_FORM = _("The form did not arrive whole. Please send it again.")

# The actor of every appeal sent from the site: a citizen, in the history's "kk / ru" form.
CITIZEN = service_principal("citizen:web", "Азамат, сайт / Гражданин, сайт", issuer="ikomek", kind="citizen")


def new_form_key() -> str:
    return f"web-{uuid.uuid4().hex}"


@dataclass(kw_only=True)
class CitizenAppeal:
    description: str
    phone: str
    form_key: str
    name: str = ""
    address: str = ""
    category_code: str = ""
    longitude: float | None = None
    latitude: float | None = None
    language: str = ""  # the screen's: the language the citizen is answered in
    photos: list[UploadedFile] = field(default_factory=list)


class TooManyAppeals(AppealError):
    """This address or phone sent its share: it may send again after `retry_after` seconds."""

    def __init__(self, blocked: Blocked) -> None:
        self.retry_after = blocked.retry_after
        self.per = "phone" if ":phone:" in blocked.counter.key else "address"
        super().__init__(
            Problem(
                "applicantPhone" if self.per == "phone" else None,
                "too_many_appeals",
                _("Too many appeals from here. Please call 109 or try again later."),
            )
        )


def per_address_limit() -> int:
    return int(getattr(settings, "APPEALS_PORTAL_PER_ADDRESS", 30))


def per_phone_limit() -> int:
    return int(getattr(settings, "APPEALS_PORTAL_PER_PHONE", 5))


def _key(*parts: str) -> str:
    return ":".join(["appeals", "portal", connection.schema_name, *parts])


def counters(requester: Requester, phone: str | None) -> list[Counter]:
    """The address's counter, and the phone's (hashed: no phone in Redis) when it is valid."""
    found = [Counter(_key("address", requester.address), per_address_limit(), HOUR)]
    if phone:
        digest = hashlib.sha256(phone.encode()).hexdigest()[:32]
        found.append(Counter(_key("phone", digest), per_phone_limit(), DAY))
    return found


def _reserved(counted: list[Counter], form_key: str) -> bool:
    """Whether units were taken (to give back if nothing is created); raises when at a limit,
    unless the form was sent before (its re-send gets its number whatever the count)."""
    try:
        blocked = reserve(counted)
    except CountersUnavailable:
        log.warning("portal limits not counted: Redis unavailable", exc_info=True)
        return False
    if blocked is not None:
        if Appeal.objects.filter(client_key=form_key).exists():
            return False
        raise TooManyAppeals(blocked)
    return True


def submit(appeal: CitizenAppeal, requester: Requester, *, actor: Principal = CITIZEN) -> IntakeResult:
    """Record a citizen's appeal (received, for an operator to classify), or refuse it with every
    problem named. A re-sent form returns its first appeal (`created` False)."""
    if not FORM_KEY.fullmatch(appeal.form_key or ""):
        raise AppealError(Problem(None, "not_a_form", NOT_A_FORM))
    photos = checked_uploads(appeal.photos, most=MAX_PHOTOS, field="photo")
    phone, _problem = normalise_phone(appeal.phone)
    counted = counters(requester, phone)
    reserved = _reserved(counted, appeal.form_key)
    data = AppealInput(
        channel=Channel.WEB,
        description=appeal.description,
        applicant_phone=appeal.phone,
        applicant_name=appeal.name,
        address=appeal.address,
        category_code=appeal.category_code,
        longitude=appeal.longitude,
        latitude=appeal.latitude,
        language=appeal.language,
        client_key=appeal.form_key,
    )
    created = False
    try:
        # The appeal and its photos together, or neither; without photos intake's own transaction
        # is the whole (an outer one would add a savepoint's two statements to every sending).
        with transaction.atomic() if photos else nullcontext():
            result = record_intake(actor, data, check_object_key=False)
            created = result.created
            if created:  # a re-sent form's photos came with its first sending
                store_sent_with(actor, result.appeal, photos)
    finally:
        if reserved and not created:
            refund(counted)
    return result
