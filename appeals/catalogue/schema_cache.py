"""A value read from the current tenant's schema, kept in process memory per schema for a while
(catalogues that intake and deadlines read on every call).

An edit in this process forgets the schema's entry at once (connected in appeals.apps); other processes
see it when the entry expires.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection

T = TypeVar("T")


class SchemaCache(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl_seconds: float) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, T]] = {}

    def get(self) -> T:
        """The current schema's value, loaded again once it is older than the TTL."""
        schema = connection.schema_name
        now = time.monotonic()
        entry = self._entries.get(schema)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = self._load()
        with self._lock:
            self._entries[schema] = (now + self._ttl, value)
        return value

    def forget(self, schema: str | None = None) -> None:
        """Drop one schema's entry (after an edit), or every entry."""
        with self._lock:
            if schema is None:
                self._entries.clear()
            else:
                self._entries.pop(schema, None)
