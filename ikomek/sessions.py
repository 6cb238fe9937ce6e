"""Sessions in Redis, with the database behind them (decision 82).

Django's cached_db store reads a session from the cache (Redis) and falls back to the akimat's own
session table; every write goes to both. Any web process reads any session, so a person signed in on
one process is signed in on all of them. Django's store still fails a request when Redis is down
(the cache write after a database read, the cache check at creation, the cache delete at logout):
here every cache call is best-effort, so staff stay signed in while Redis is away, on the database.

The database is the truth: whether a key is taken is asked of it alone, and a cached copy lives at
most SESSION_CACHE_SECONDS, which bounds how long a copy can outlive a logout made while this
process could not reach Redis to delete it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def _cache_seconds(self, expiry_age: int) -> int:
        return max(0, min(expiry_age, settings.SESSION_CACHE_SECONDS))

    def _cached(self) -> dict[str, Any] | None:
        try:
            return self._cache.get(self.cache_key)
        except Exception:  # the cache backend's own errors (redis-py's ConnectionError, TimeoutError)
            logger.warning("session cache unreachable: read from the database", exc_info=True)
            return None

    def _to_cache(self, data: dict[str, Any], expiry_age: int) -> None:
        try:
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry_age))
        except Exception:
            logger.warning("session cache unreachable: kept in the database only", exc_info=True)

    def load(self) -> dict[str, Any]:
        data = self._cached()
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        self._to_cache(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key: str) -> bool:
        return DatabaseStore.exists(self, session_key)

    def save(self, must_create: bool = False) -> None:
        DatabaseStore.save(self, must_create)
        self._to_cache(self._session, self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        DatabaseStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            # Gone from the database; a copy this process could not delete may be read by others
            # for at most SESSION_CACHE_SECONDS.
            logger.error("session cache unreachable: a deleted session's copy may outlive it", exc_info=True)
