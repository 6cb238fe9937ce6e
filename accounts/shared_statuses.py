"""Account statuses read from Keycloak, shared through Redis by every process of the platform.

Each web worker kept its own statuses (accounts/account_status.py), so a worker that had just
started read every person's status from Keycloak on their first request, one read at a time (four
admin calls, about 30 ms): after a restart or a deploy the workers stood in Keycloak's queue for the
first seconds while calls piled up behind them, and Keycloak answered every person once per
process and interval (decision 97). Here a status read by one process is there for the others for
as long as it is fresh: a new worker takes it in one Redis round trip.

What is shared is the status and when Keycloak was asked (wall-clock seconds: processes share no
monotonic clock). An entry lives only as long as a status may be applied, so nothing here can keep a
disabled person in for longer than the check interval. Redis down or slow: the store answers "not
known" within REDIS_CONNECT_TIMEOUT_SECONDS, then leaves Redis alone for a few seconds, and the
process reads Keycloak as it did before.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from typing import Any

import redis

logger = logging.getLogger(__name__)

PREFIX = "accounts:status:"
PAUSE_SECONDS = 5.0  # after a failure, before Redis is tried again


class SharedStatuses:
    def __init__(self, url: str, *, lifetime_seconds: float, timeout_seconds: float) -> None:
        self.url = url
        self.lifetime = lifetime_seconds
        self.timeout = timeout_seconds
        self._client: redis.Redis | None = None
        self._lock = threading.Lock()
        self._paused_until = 0.0

    def _redis(self) -> redis.Redis | None:
        if time.monotonic() < self._paused_until:
            return None
        if self._client is None:
            with self._lock:
                if self._client is None:
                    # One try, bounded by the timeouts: redis-py retries nothing on a client made here.
                    self._client = redis.Redis.from_url(
                        self.url, socket_connect_timeout=self.timeout, socket_timeout=self.timeout
                    )
        return self._client

    def _pause(self, doing: str) -> None:
        self._paused_until = time.monotonic() + PAUSE_SECONDS
        logger.warning(
            "accounts: shared statuses not %s; Keycloak is read directly for %.0f s", doing, PAUSE_SECONDS
        )

    def get(self, key: str) -> tuple[float, dict[str, Any]] | None:
        """(seconds since Keycloak was asked, the status) as a process shared it within the
        lifetime; None otherwise."""
        client = self._redis()
        if client is None:
            return None
        try:
            raw = client.get(PREFIX + key)
        except redis.RedisError:
            self._pause("read")
            return None
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            # A clock a little ahead on the writer's host must not make a status younger than zero.
            age = max(0.0, time.time() - float(data["at"]))
            status = data["status"]
        except (ValueError, KeyError, TypeError):
            logger.warning("accounts: a shared status that is not one (%s); ignored", key)
            return None
        return (age, status) if age < self.lifetime and isinstance(status, dict) else None

    def put(self, key: str, asked_at: float, status: dict[str, Any]) -> None:
        """Share a status Keycloak gave when asked at `asked_at` (wall-clock seconds). Never raises."""
        remaining = self.lifetime - max(0.0, time.time() - asked_at)
        client = self._redis()
        if client is None or remaining <= 0:
            return
        value = json.dumps({"at": asked_at, "status": status})
        try:
            client.set(PREFIX + key, value, px=max(1, math.ceil(remaining * 1000)))
        except redis.RedisError:
            self._pause("written")

    def clear(self) -> None:
        """Forget every shared status (tests; a realm restored from a backup)."""
        self._paused_until = 0.0
        client = self._redis()
        if client is None:
            return
        try:
            keys = list(client.scan_iter(match=PREFIX + "*", count=1000))
            if keys:
                client.delete(*keys)
        except redis.RedisError:
            self._pause("cleared")
