"""Active categories by code, kept in process memory per tenant schema (intake reads one per call).

An edit in this process clears the entry at once (signals); other processes see it within a minute.
"""

from __future__ import annotations

import threading
import time

from django.db import connection

from appeals.models import Category

TTL_SECONDS = 60.0

_lock = threading.Lock()
_cache: dict[str, tuple[float, dict[str, Category]]] = {}


def active_category(code: str) -> Category | None:
    schema = connection.schema_name
    now = time.monotonic()
    entry = _cache.get(schema)
    if entry is None or entry[0] <= now:
        categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        entry = (now + TTL_SECONDS, categories)
        with _lock:
            _cache[schema] = entry
    return entry[1].get(code)


def forget_categories(schema: str | None = None) -> None:
    with _lock:
        if schema is None:
            _cache.clear()
        else:
            _cache.pop(schema, None)
