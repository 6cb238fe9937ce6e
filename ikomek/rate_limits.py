"""Rate limits per API client (issue 16): each integrator's token (its Keycloak subject) and each
anonymous caller's address get a number of requests per window; past it, 429 with Retry-After and
the code `rate_limited`. Every answer on a limited path carries the client's standing in
`RateLimit-*` headers (the IETF httpapi draft's fields), so a client can pace itself before it is
refused. Counting is django-ratelimit's (fixed windows in Redis, each key's offset by its hash,
atomic increments), with its add-then-increment of a window's key made one round trip (decision 92).

Staff on the consoles (a session) are not limited: they are people at a screen, and their pages
are the platform's own. Emergencies are counted but never refused. A Redis that cannot count lets
the request through (a limit is protection, not a reason to refuse a citizen's appeal).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_ratelimit import ALL
from django_ratelimit.core import (
    _SIMPLE_KEYS,
    EXPIRATION_FUDGE,
    _get_window,
    _make_cache_key,
    _split_rate,
    get_usage,
)

from accounts.middleware import acts_by_token
from apierrors.envelope import error_response
from ikomek.shedding import is_emergency

logger = logging.getLogger(__name__)

# The integrator API and the HTTP endpoints beside it; the exchange's caller-ID (/telephony/) has
# its own secret and bursts with the calls themselves, so it is not limited.
LIMITED_PATHS = ("/graphql/", "/appeals/", "/auth/me", "/map/", "/open311/")
GROUP = "api"
RATE_LIMITED = _("Too many requests from this client: wait {seconds} s (see the RateLimit headers).")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Standing:
    limit: int
    remaining: int
    reset: int  # seconds until the window starts again
    window: int  # seconds
    refused: bool


def _window(rate: str) -> int:
    _count, _slash, period = rate.partition("/")
    unit = period[-1:] or "s"
    return int(period[:-1] or 1) * _PERIODS.get(unit, 1)


def _who(request: HttpRequest) -> tuple[Callable[[str, HttpRequest], str] | str, str] | None:
    """(the key, the rate) of a caller the limits apply to; None for console sessions."""
    if acts_by_token(request):
        principal = request.principal
        rate = settings.API_RATE_LIMITS.get(principal.username, settings.API_RATE_LIMIT)
        return (lambda _group, _request: f"client:{principal.subject}"), rate
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    return "ip", settings.API_RATE_LIMIT_ANONYMOUS


def standing(request: HttpRequest) -> Standing | None:
    """Counts this request; None when it is not limited or Redis could not count it."""
    who = _who(request)
    if who is None:
        return None
    key, rate = who
    try:
        usage = _usage(request, key, rate)
    except Exception:  # Redis down or unreachable, an address the proxy did not pass
        logger.warning("rate limit not counted", exc_info=True)
        return None
    if usage is None:
        return None
    reset = max(1, int(usage["time_left"]))
    return Standing(
        limit=usage["limit"],
        remaining=max(0, usage["limit"] - usage["count"]),
        reset=reset,
        window=_window(rate),
        refused=bool(usage["should_limit"]),
    )


def _usage(
    request: HttpRequest, key: Callable[[str, HttpRequest], str] | str, rate: str
) -> dict[str, Any] | None:
    """django-ratelimit's `get_usage(..., increment=True)`, its window and key the same (a test
    holds them to it), counted in one round trip where the cache can (ikomek/redis_cache.py)."""
    cache = caches[settings.RATELIMIT_USE_CACHE]
    if not hasattr(cache, "count") or not getattr(settings, "RATELIMIT_ENABLE", True):
        return get_usage(request, group=GROUP, key=key, rate=rate, increment=True)
    limit, period = _split_rate(rate)
    value = key(GROUP, request) if callable(key) else _SIMPLE_KEYS[key](request)
    window = _get_window(value, period)
    count = cache.count(_make_cache_key(GROUP, window, rate, value, ALL), period + EXPIRATION_FUDGE)
    left = window - int(time.time())
    return {"count": count, "limit": limit, "should_limit": count > limit, "time_left": left}


def headers(now: Standing) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(now.limit),
        "RateLimit-Remaining": str(now.remaining),
        "RateLimit-Reset": str(now.reset),
        "RateLimit-Policy": f"{now.limit};w={now.window}",
    }


class RateLimitMiddleware:
    """After PrincipalMiddleware (the client is known), before any costly work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(LIMITED_PATHS):
            return self.get_response(request)
        now = standing(request)
        if now is None:
            return self.get_response(request)
        if now.refused and not is_emergency(request):
            message = format_lazy(RATE_LIMITED, seconds=now.reset)  # in the caller's language
            return error_response(
                request, 429, "rate_limited", message, headers={**headers(now), "Retry-After": str(now.reset)}
            )
        response = self.get_response(request)
        for name, value in headers(now).items():
            response[name] = value
        return response
