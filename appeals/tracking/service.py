"""A citizen tracks an appeal with its number and the last four digits of the phone: status and
dates only, no login. A wrong guess and an unknown number answer the same; after
APPEALS_TRACKING_MAX_FAILURES wrong guesses on a number, it answers nothing for an hour (the
counter is in the cache, whose key function carries the akimat's schema)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from appeals.errors import AppealError
from appeals.models import Appeal

FAILURES_SECONDS = 3600


def failures_key(number: int) -> str:
    return f"appeals:tracking-failures:{number}"


def track(number: int, phone_last4: str) -> Appeal | None:
    """The appeal when the digits match, else None; refuses (`too_many_attempts`) after the limit."""
    key = failures_key(number)
    if (cache.get(key) or 0) >= settings.APPEALS_TRACKING_MAX_FAILURES:
        raise AppealError.of(
            "phoneLast4", "too_many_attempts", "Тым көп әрекет / Слишком много попыток, повторите позже"
        )
    digits = "".join(c for c in phone_last4 if c.isdigit())
    appeal = (
        Appeal.objects.filter(number=number)
        .only("number", "status", "received_at", "deadline", "resolved_at", "closed_at", "applicant_phone")
        .first()
    )
    if len(digits) == 4 and appeal is not None and appeal.applicant_phone.endswith(digits):
        return appeal
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=FAILURES_SECONDS)
    return None
