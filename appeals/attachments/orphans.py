"""Files left without their row.

An attachment's file is written before its row (decision 45: never a row without its file), and a
failed insert removes it again; a rollback later in the same transaction, or a process killed
before its commit, leaves the file behind. Each akimat's own folder is swept daily: a file no row
names is deleted once it is older than any transaction could still be open.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from appeals.models import Attachment
from appeals.models.appeal import tenant_prefix

logger = logging.getLogger(__name__)


def sweep_orphan_files(now: datetime.datetime | None = None) -> list[str]:
    """Delete this akimat's files that no attachment names and that are older than the grace;
    returns their storage names."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.APPEALS_ORPHAN_FILE_GRACE_HOURS)
    prefix = tenant_prefix()
    # Named files first: a file stored after this read is younger than the cutoff anyway.
    named = set(Attachment.objects.values_list("file", flat=True))
    removed = []
    for path in files_under(prefix):
        if path in named or default_storage.get_modified_time(path) > cutoff:
            continue
        default_storage.delete(path)
        removed.append(path)
    if removed:
        logger.info("orphan attachment files deleted", extra={"count": len(removed), "prefix": prefix})
    return removed


def files_under(prefix: str) -> list[str]:
    """Every file below the folder (one level of appeal folders, and anything else put there)."""
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []  # an akimat with no file yet
    found = [prefix + name for name in files]
    for folder in folders:
        found.extend(files_under(f"{prefix}{folder}/"))
    return found
