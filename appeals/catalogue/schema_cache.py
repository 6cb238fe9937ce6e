"""A value read from the current tenant's schema, kept in process memory per schema for a while
(catalogues that intake and deadlines read on every call).

An edit in this process forgets the schema's entry at once (connected in appeals.apps). Every
process learns of an edit elsewhere through the schema's catalogue generation, a counter in the
shared cache (Redis) that the settings pages bump when an edit commits: an entry is checked
against it at most once a second, so the next appeal follows a changed SLA or calendar on every
web worker. Without Redis the entry simply lives out its TTL.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import connection

T = TypeVar("T")
logger = logging.getLogger(__name__)

GENERATION_KEY = "appeals:catalogue-generation"  # the cache's key function adds the schema
CHECK_SECONDS = 1.0


def catalogue_generation() -> int | None:
    """The current schema's generation (0 before any edit); None when the cache cannot be read."""
    try:
        return int(cache.get(GENERATION_KEY, 0))
    except Exception:  # Redis down or slow: the TTL alone decides
        logger.warning("catalogue generation unreadable; caches fall back to their TTL", exc_info=True)
        return None


def bump_catalogue_generation() -> None:
    """Tell every process that this schema's catalogues changed (call once the edit commits)."""
    try:
        if not cache.add(GENERATION_KEY, 1, timeout=None):
            cache.incr(GENERATION_KEY)
    except Exception:
        logger.warning("catalogue generation not bumped; other processes see the edit within a minute")


@dataclass
class _Entry(Generic[T]):
    value: T
    expires: float
    generation: int | None
    checked: float


class SchemaCache(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl_seconds: float) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry[T]] = {}

    def get(self) -> T:
        """The current schema's value, loaded again once it is older than the TTL or the schema's
        catalogues changed in another process."""
        schema = connection.schema_name
        now = time.monotonic()
        entry = self._entries.get(schema)
        if entry is not None and entry.expires > now:
            if now - entry.checked < CHECK_SECONDS:
                return entry.value
            generation = catalogue_generation()
            entry.checked = now
            if generation is None or generation == entry.generation:
                return entry.value
        generation = catalogue_generation()
        value = self._load()
        with self._lock:
            self._entries[schema] = _Entry(value, now + self._ttl, generation, now)
        return value

    def forget(self, schema: str | None = None) -> None:
        """Drop one schema's entry (after an edit), or every entry."""
        with self._lock:
            if schema is None:
                self._entries.clear()
            else:
                self._entries.pop(schema, None)
