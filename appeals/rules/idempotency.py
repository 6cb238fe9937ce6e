"""Idempotent intake, as payment APIs do it: a client key names one request. A retry of the same
request returns the first appeal; the same key with a different request is refused
(`idempotency_conflict`, naming the first appeal) instead of silently answering with an appeal
that is not what was sent.

"The same request" is compared on the normalised input, not the bytes: the phone as E.164, texts
trimmed, the category by code, the location's coordinates, the priority as sent (not its
default), the `register` flag. So "8 705 123 45 67" and "+77051234567" are the same request, and
a changed description, name, place or category is not. Its SHA-256 is kept with the key.
"""

from __future__ import annotations

import hashlib
import json

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from appeals.errors import AppealError, Problem

IDEMPOTENCY_CONFLICT = "idempotency_conflict"
CONFLICT = _(
    "This clientKey was already used for appeal {number} with different data. "
    "Send a new key for a new appeal."
)


def request_digest(values: dict[str, object], *, category_code: str, priority: str, register: bool) -> str:
    """SHA-256 of the canonical JSON of an intake's normalised input."""
    location = values.get("location")
    canonical = {
        name: values[name]
        for name in (
            "channel",
            "description",
            "applicant_name",
            "applicant_phone",
            "applicant_iin",
            "applicant_language",
            "address",
            "object_key",
        )
    } | {
        "location": [location.x, location.y] if location is not None else None,
        "category": category_code,
        "priority": priority,
        "register": register,
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def require_same_request(stored_digest: str, digest: str, number: int) -> None:
    """A retry must repeat the first request; an appeal older than the digests is taken as matching."""
    if stored_digest and stored_digest != digest:
        raise AppealError(
            Problem(
                "clientKey",
                IDEMPOTENCY_CONFLICT,
                format_lazy(CONFLICT, number=number),
                appeal_number=number,
            )
        )
