"""Photos of a refused portal form, kept for the form's key until it is sent again (decision 109).

A browser cannot be given files back: when the server refuses a form for anything but its photos,
the photos that passed the attachments' checks are kept here, and the form's next sending stores
them with its appeal. A refusal costs nothing in the portal's limits, so what is kept is bounded:
a well-formed key only (the caller's check), at most MAX_PHOTOS per key, a daily budget of kept
photos per network address in Redis (spent, or Redis away: nothing is kept and the page says to
choose them again), and an hourly job that removes them a day after (appeals/portal/kept_expiry.py).

A kept photo is found only through its form's key, never listed, dropped or attached by another,
and never served to anyone: it is no attachment, and its file lies outside the attachments' folder.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

from appeals.attachments.actions import CheckedUpload
from appeals.attachments.files import FileKind
from appeals.models import KeptPhoto
from appeals.tracking.limits import Counter, CountersUnavailable, Requester, refund_units, reserve_units

log = logging.getLogger(__name__)

DAY = 24 * 3600


def per_address_budget() -> int:
    return int(getattr(settings, "APPEALS_PORTAL_KEPT_PHOTOS_PER_ADDRESS", 30))


def budget_counter(requester: Requester) -> Counter:
    key = ":".join(["appeals", "portal", connection.schema_name, "kept-photos", requester.address])
    return Counter(key, per_address_budget(), DAY)


def without_dropped(form_key: str, dropped: Collection[str]) -> list[KeptPhoto]:
    """The photos kept for the form, once those the citizen ticked off are removed."""
    kept = list(KeptPhoto.objects.filter(form_key=form_key))
    gone = [photo for photo in kept if str(photo.token) in dropped]
    if gone:
        remove(gone)
    return [photo for photo in kept if photo not in gone]


def keep(
    form_key: str, photos: list[CheckedUpload], requester: Requester, *, most: int
) -> list[KeptPhoto] | None:
    """Keep a refused form's checked photos for its key: every photo now kept for it, or None when
    these are not kept (the address's budget spent, Redis or the storage away, past `most`)."""
    with transaction.atomic():
        # One refusal at a time per key, so that two racing ones cannot pass `most` together.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"portal-kept:{connection.schema_name}:{form_key}"],
            )
        kept = list(KeptPhoto.objects.filter(form_key=form_key))
        # A reloaded refused page or a double tap sends the same files again: kept once.
        photos = distinct(photos, {photo.sha256 for photo in kept})
        if not photos:
            return kept
        if len(kept) + len(photos) > most or not _within_budget(requester, len(photos)):
            return None
        written: list[KeptPhoto] = []
        try:
            for sent in photos:
                photo = KeptPhoto(
                    form_key=form_key,
                    token=uuid.uuid4(),
                    extension=sent.kind.extension,
                    content_type=sent.kind.content_type,
                    size=sent.upload.size,
                    original_name=(sent.upload.name or "photo")[-200:],
                    sha256=sent.sha256,
                )
                photo.file.save(f"{photo.token}{photo.extension}", sent.upload, save=False)
                written.append(photo)
            KeptPhoto.objects.bulk_create(written)
        except OSError:
            _delete_files([photo.file.name for photo in written])
            log.exception("portal photos not kept: the storage failed")
            return None
        except BaseException:
            _delete_files([photo.file.name for photo in written])
            raise
    return kept + written


def distinct(photos: list[CheckedUpload], known: set[str]) -> list[CheckedUpload]:
    """The photos whose content is not among `known` digests nor repeated among themselves."""
    seen = set(known)
    fresh = []
    for photo in photos:
        if photo.sha256 not in seen:
            seen.add(photo.sha256)
            fresh.append(photo)
    return fresh


def _within_budget(requester: Requester, photos: int) -> bool:
    try:
        blocked = reserve_units(budget_counter(requester), photos)
    except CountersUnavailable:
        log.warning("portal photos not kept: Redis unavailable", exc_info=True)
        return False
    if blocked is not None:
        log.info(
            "portal photos not kept: the address's budget is spent", extra={"address": requester.address}
        )
    return blocked is None


@contextmanager
def opened(kept: list[KeptPhoto]) -> Iterator[list[CheckedUpload]]:
    """The kept photos as files to store with the appeal, closed after. A file gone meanwhile (the
    expiry job at the same moment) is left out, not a failure of the sending."""
    with ExitStack() as stack:
        found = []
        for photo in kept:
            try:
                content = stack.enter_context(default_storage.open(photo.file.name, "rb"))
            except FileNotFoundError:
                log.warning("a kept portal photo is gone", extra={"token": str(photo.token)})
                continue
            upload = File(content, name=photo.original_name)
            upload.size = photo.size
            found.append(CheckedUpload(upload, FileKind(photo.content_type, photo.extension), photo.sha256))
        yield found


def remove(photos: list[KeptPhoto], *, used_by: Requester | None = None) -> None:
    """Remove kept photos: their rows in the caller's transaction, their files once it commits.
    Photos a sending took (`used_by` its sender) give their units back to that address's budget:
    the budget bounds what refusals make us hold, and these are now the appeal's own."""
    KeptPhoto.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
    names = [photo.file.name for photo in photos]
    transaction.on_commit(lambda: _delete_files(names))
    if used_by is not None:
        counter = budget_counter(used_by)
        transaction.on_commit(lambda: refund_units(counter, len(names)))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the expiry job removes what is left
            log.warning("a kept portal photo's file not deleted", exc_info=True)
