"""Liveness (/healthz) and readiness (/readyz) with one line per dependency."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import cache

import redis
import requests
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


@cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


def check_redis() -> str | None:
    _redis_client(settings.REDIS_URL).ping()
    return None


def check_keycloak() -> str | None:
    if settings.LOCAL_IDENTITY:
        return "not configured (local development identity)"
    url = f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/.well-known/openid-configuration"
    # Short: a hung Keycloak must not hold the probe (nor the worker answering it).
    response = requests.get(url, timeout=min(settings.KEYCLOAK_TIMEOUT_SECONDS, 1.0))
    response.raise_for_status()
    return None


_keycloak_seen = (0.0, True)  # (monotonic time, answered)
_keycloak_lock = threading.Lock()
KEYCLOAK_SEEN_SECONDS = 5.0


def keycloak_answers() -> bool:
    """Whether Keycloak answered lately (checked at most every few seconds per process): a sign-in
    is not sent to a Keycloak that cannot be reached, where the browser would show its own error."""
    global _keycloak_seen
    at, answered = _keycloak_seen
    if time.monotonic() - at < KEYCLOAK_SEEN_SECONDS:
        return answered
    with _keycloak_lock:
        try:
            check_keycloak()
            answered = True
        except Exception:
            logger.warning("Keycloak does not answer: sign-ins are refused for now", exc_info=True)
            answered = False
        _keycloak_seen = (time.monotonic(), answered)
    return answered


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "redis": check_redis,
    "keycloak": check_keycloak,
}
# Without these the instance cannot serve at all. Keycloak is not among them: with keys and account
# statuses it already holds, the web keeps serving bearer requests, tracking and telephony while
# Keycloak is down (decision 53), so a load balancer must not pull every instance for it.
CRITICAL = frozenset({"database", "redis"})


def run_checks() -> tuple[str, dict[str, dict[str, object]]]:
    """ "ready", "degraded" (a non-critical dependency is down: keep serving) or "unavailable"."""
    results: dict[str, dict[str, object]] = {}
    status = "ready"
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            note = check()
            result: dict[str, object] = {"ok": True}
            if note:
                result["note"] = note
        except Exception as error:
            if name in CRITICAL:
                status = "unavailable"
            elif status == "ready":
                status = "degraded"
            # The kind of failure only: its text names hosts and ports, and every host answers this.
            logger.warning("readiness: %s is down", name, exc_info=True)
            result = {"ok": False, "critical": name in CRITICAL, "error": type(error).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return status, results


def healthz(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    status, results = run_checks()
    tenant = getattr(request, "tenant", None)
    body = {"status": status, "tenant": getattr(tenant, "slug", None), "checks": results}
    return JsonResponse(body, status=503 if status == "unavailable" else 200)
