"""Django's Redis cache with `incr` in one round trip, and a window's counter in one.

Django's `incr` asks Redis whether the key exists and then increments it: two round trips. One Lua
script does both, atomically too: a key that expires between the two commands can no longer be
recreated without its timeout (decision 90).

`count(key, timeout)` is the API's rate limits' counter (ikomek/rate_limits.py): django-ratelimit
adds a window's key and then increments it, two round trips on every API call, intake's included;
here the increment creates the key with its timeout when it is the window's first (decision 92).
"""

from __future__ import annotations

from typing import Any

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


class OneTripClient(RedisCacheClient):
    _scripts: dict[str, Script] = {}  # one per text and process, shared by the clients

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


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = OneTripClient

    def count(self, key: str, timeout: int, version: int | None = None) -> int:
        """One more in the window `key` (created with `timeout` seconds by its first count)."""
        return self._cache.count(self.make_and_validate_key(key, version=version), int(timeout))
