"""Django's Redis cache with `incr` in one round trip, and a window's counter in one.

Django's `incr` asks Redis whether the key exists and then increments it: two round trips. One Lua
script does both, atomically too: a key that expires between the two commands can no longer be
recreated without its timeout (decision 90).

`count(key, timeout)` is the API's rate limits' counter (ikomek/rate_limits.py): django-ratelimit
adds a window's key and then increments it, two round trips on every API call, intake's included;
here the increment creates the key with its timeout when it is the window's first (decision 92).

A Redis that failed (refused, or stalled past the socket timeout) is not asked again by this
process for PAUSE_SECONDS: every caller already goes on without the cache (the rate limit not
counted, the catalogue read from the database), and a frozen Redis cost each request its whole
timeout on every read, 1.5-2 s an API call (decision 108).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.commands.core import Script

# Increment only a key that exists (nil otherwise), as Django's incr promises.
INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return false
"""
# Count one more in a window; the window's first count starts the key's timeout.
COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


PAUSE_SECONDS = 2.0
FAILURES = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
_paused_until: dict[tuple[str, ...], float] = {}  # per Redis (its servers), in this process


class Paused(redis.exceptions.ConnectionError):
    """Not asked: the Redis failed a moment ago (a ConnectionError, as callers already expect)."""


class OneTripClient(RedisCacheClient):
    _scripts: dict[str, Script] = {}  # one per text and process, shared by the clients

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        if time.monotonic() < _paused_until.get(tuple(self._servers), 0.0):
            raise Paused("the cache's Redis failed a moment ago: not asked again yet")
        return super().get_client(key, write=write)

    def _script(self, text: str, client: Any) -> Script:
        # EVALSHA: the script's text travels once per Redis server (redis-py loads it on NOSCRIPT);
        # the Script is made once (its SHA1 was computed on every call).
        script = self._scripts.get(text)
        if script is None:
            script = self._scripts[text] = client.register_script(text)
        return script

    def incr(self, key: str, delta: int) -> int:
        client = self.get_client(key, write=True)
        value = self._script(INCR_EXISTING, client)(keys=[key], args=[delta], client=client)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    def count(self, key: str, timeout: int) -> int:
        client = self.get_client(key, write=True)
        return int(self._script(COUNT, client)(keys=[key], args=[timeout], client=client))


def _pausing(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: OneTripClient, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Paused:
            raise  # the pause runs its course: the Redis is asked again when it ends
        except FAILURES:
            _paused_until[tuple(self._servers)] = time.monotonic() + PAUSE_SECONDS
            raise

    return call


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
    "count",
):
    setattr(OneTripClient, _name, _pausing(getattr(OneTripClient, _name)))


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = OneTripClient

    def count(self, key: str, timeout: int, version: int | None = None) -> int:
        """One more in the window `key` (created with `timeout` seconds by its first count)."""
        return self._cache.count(self.make_and_validate_key(key, version=version), int(timeout))
