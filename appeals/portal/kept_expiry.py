"""Kept photos of refused portal forms are removed a day after (decision 109): a form not sent
again by then has been given up. Beat runs it hourly in every akimat (decision 4)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from appeals.attachments.orphans import files_under
from appeals.models import KeptPhoto
from appeals.models.portal import kept_prefix

log = logging.getLogger(__name__)


def keeping_hours() -> int:
    return int(getattr(settings, "APPEALS_PORTAL_KEPT_PHOTO_HOURS", 24))


def expire_kept_photos(now: datetime.datetime | None = None) -> list[str]:
    """Remove this akimat's kept photos older than the keeping time, and any file of the kept folder
    as old that no row names (a process killed between the file and its row); their storage names."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=keeping_hours())
    old = dict(KeptPhoto.objects.filter(kept_at__lt=cutoff).values_list("pk", "file"))
    if old:
        KeptPhoto.objects.filter(pk__in=old).delete()
    named = set(KeptPhoto.objects.values_list("file", flat=True))
    removed = list(old.values())
    for path in files_under(kept_prefix()):
        if path in named or path in old.values() or default_storage.get_modified_time(path) > cutoff:
            continue
        removed.append(path)
    for path in removed:
        default_storage.delete(path)
    if removed:
        log.info("kept portal photos removed", extra={"count": len(removed), "prefix": kept_prefix()})
    return removed
