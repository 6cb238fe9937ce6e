"""A citizen sends an appeal from the akimat's site, without signing in (decision 100).

It is the same intake as the 109 line's (validation, repeat check, the region's message), with:
- the channel `web` and a citizen as the actor (no role: nothing else is open to it);
- never registered at once: an operator reads and classifies it;
- up to MAX_PHOTOS photos (the attachments' own checks: by content, 10 MB), stored in the appeal's
  transaction; a bad photo refuses the form (named, with every other problem of the form); a
  refused form keeps its good photos for its key, and its next sending takes them
  (appeals.portal.kept_photos);
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
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.principal import Principal, service_principal
from appeals.actions.intake import AppealInput, IntakeResult, intake_problems, record_intake
from appeals.attachments.actions import CheckedUpload, checked_uploads, store_sent_with
from appeals.errors import AppealError, Problem
from appeals.models import Appeal, Channel, KeptPhoto
from appeals.portal import kept_photos
from appeals.rules.applicants import normalise_phone
from appeals.tracking.limits import Blocked, Counter, CountersUnavailable, Requester, refund, reserve

log = logging.getLogger(__name__)

MAX_PHOTOS = 3
HOUR = 3600
DAY = 24 * HOUR
FORM_KEY = re.compile(r"web-[0-9a-f]{32}")
NOT_A_FORM = _("The form did not arrive whole. Please send it again.")
TOO_MANY = _("Too many photos: at most %(max_photos)s in one appeal.")
TOO_MANY_WITH_KEPT = _("Too many photos: at most %(max_photos)s in all, kept ones included.")
# Refusals after which the page shows a new form: what the old key kept is not the new one's.
RENEWING = ("idempotency_conflict", "not_a_form")

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
    # The form listed photos kept for its key (it was refused before), and those ticked to remove.
    kept_photos_listed: bool = False
    dropped_photos: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FormPhotos:
    """What a refused form's page says of its photos."""

    kept: list[KeptPhoto]  # kept for the form's key: they go with its next sending
    lost: bool  # photos of this sending that are not kept: to choose again
    renewed: bool = False  # a new form: nothing of the old one's is kept


class FormRefused(AppealError):
    """A refused form: the problems of `cause` (TooManyAppeals: 429), and what is kept of its photos."""

    def __init__(self, cause: AppealError, photos: FormPhotos) -> None:
        super().__init__(*cause.problems)
        self.cause = cause
        self.photos = photos


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
    problem named (FormRefused). A re-sent form returns its first appeal (`created` False)."""
    chosen = _photos_of(appeal)
    if chosen.problems:  # a bad photo: said with the other fields' problems, the good photos kept
        problems = [*chosen.problems, *intake_problems(_input(appeal))]
        raise _refused(appeal, AppealError(*problems), requester, chosen)
    try:
        return _record(appeal, requester, actor, chosen.kept, chosen.fresh)
    except AppealError as error:
        raise _refused(appeal, error, requester, chosen) from error


def refuse(appeal: CitizenAppeal, error: AppealError, requester: Requester) -> FormRefused:
    """A refusal the caller found before sending (a place that is not a number): said with every
    other problem of the form, whose photos are kept as for any other refusal."""
    try:
        chosen = _photos_of(appeal)
    except FormRefused as refused:  # a bad key too: every problem said
        return FormRefused(AppealError(*error.problems, *refused.problems), refused.photos)
    unplaced = replace(_input(appeal), longitude=None, latitude=None)  # the place is `error`'s
    problems = [*error.problems, *chosen.problems, *intake_problems(unplaced)]
    return _refused(appeal, AppealError(*problems), requester, chosen)


@dataclass(frozen=True)
class ChosenPhotos:
    """A sending's photos: those kept for its form, its own that passed the checks, and why the
    others did not (a problem each)."""

    kept: list[KeptPhoto]  # kept for the form's key, those ticked off removed
    fresh: list[CheckedUpload]  # this sending's good photos, each content once
    problems: list[Problem]
    dropped: bool = False  # this sending's photos all left out (too many): to choose again


def _too_many(kept: list[KeptPhoto]) -> Problem:
    said = TOO_MANY_WITH_KEPT if kept else TOO_MANY
    return Problem("photo", "too_many", said % {"max_photos": MAX_PHOTOS})


def _photos_of(appeal: CitizenAppeal) -> ChosenPhotos:
    """The photos kept for the form (those ticked off removed) and the new ones, checked; a
    malformed key refuses the form at once, its photos not kept."""
    if not FORM_KEY.fullmatch(appeal.form_key or ""):
        lost = bool(appeal.photos) or appeal.kept_photos_listed
        raise FormRefused(
            AppealError(Problem(None, "not_a_form", NOT_A_FORM)), FormPhotos([], lost, renewed=True)
        )
    kept = (
        kept_photos.without_dropped(appeal.form_key, appeal.dropped_photos)
        if appeal.kept_photos_listed
        else []
    )
    if len(appeal.photos) > MAX_PHOTOS:  # refused before any is read
        return ChosenPhotos(kept, [], [_too_many(kept)], dropped=True)
    checked, problems = checked_uploads(appeal.photos, field="photo", photo=True)
    # A photo chosen twice, or again although kept (a reload of the refused page): once.
    fresh = kept_photos.distinct(checked, {photo.sha256 for photo in kept})
    if len(fresh) > MAX_PHOTOS - len(kept):
        return ChosenPhotos(kept, [], [*problems, _too_many(kept)], dropped=True)
    return ChosenPhotos(kept, fresh, problems)


def _refused(
    appeal: CitizenAppeal, error: AppealError, requester: Requester, chosen: ChosenPhotos
) -> FormRefused:
    """The refusal, with the new good photos kept for the form's key when they may be."""
    if any(problem.code in RENEWING for problem in error.problems):
        if chosen.kept:
            kept_photos.remove(chosen.kept)
        lost = bool(chosen.kept or chosen.fresh or chosen.dropped)
        return FormRefused(error, FormPhotos([], lost=lost, renewed=True))
    if not chosen.fresh:
        return FormRefused(error, FormPhotos(chosen.kept, lost=chosen.dropped))
    now_kept = kept_photos.keep(appeal.form_key, chosen.fresh, requester, most=MAX_PHOTOS)
    if now_kept is None:
        return FormRefused(error, FormPhotos(chosen.kept, lost=True))
    return FormRefused(error, FormPhotos(now_kept, lost=False))


def _input(appeal: CitizenAppeal) -> AppealInput:
    return AppealInput(
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


def _record(
    appeal: CitizenAppeal,
    requester: Requester,
    actor: Principal,
    kept: list[KeptPhoto],
    photos: list[CheckedUpload],
) -> IntakeResult:
    phone, _problem = normalise_phone(appeal.phone)
    counted = counters(requester, phone)
    reserved = _reserved(counted, appeal.form_key)
    data = _input(appeal)
    created = False
    try:
        # The appeal and its photos together, or neither; without photos intake's own transaction
        # is the whole (an outer one would add a savepoint's two statements to every sending).
        with transaction.atomic() if photos or kept else nullcontext():
            result = record_intake(actor, data, check_object_key=False)
            created = result.created
            if created:  # a re-sent form's photos came with its first sending
                with kept_photos.opened(kept) as carried:
                    store_sent_with(actor, result.appeal, carried + photos)
            if kept:  # with the appeal's commit (a re-sent form's: they were kept after it)
                kept_photos.remove(kept, used_by=requester)
    finally:
        if reserved and not created:
            refund(counted)
    return result
