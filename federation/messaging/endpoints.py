"""Schema name -> registered akimat (or the region), kept briefly in this process for the relay.

Every delivery checks both ends; reading the registry each time was one more round trip per
message. Entries live FEDERATION_REGISTRY_CACHE_SECONDS and a change to an akimat clears this
process's entries at once. Only hits are kept: a schema onboarded a moment ago is found at once.
"""

from __future__ import annotations

import threading
import time

from django.db.models.signals import post_delete, post_save

from federation.messaging import conf
from tenants.models import Akimat

_lock = threading.Lock()
_entries: dict[str, tuple[float, Akimat]] = {}


def lookup(schema_names: list[str]) -> dict[str, Akimat]:
    now = time.monotonic()
    found = {name: entry[1] for name in schema_names if (entry := _entries.get(name)) and entry[0] > now}
    missing = [name for name in schema_names if name not in found]
    if missing:
        fresh = {a.schema_name: a for a in Akimat.objects.filter(schema_name__in=missing).defer("boundary")}
        expires = now + float(conf.get("FEDERATION_REGISTRY_CACHE_SECONDS"))
        with _lock:
            _entries.update({name: (expires, akimat) for name, akimat in fresh.items()})
        found.update(fresh)
    return found


def clear(**_kwargs: object) -> None:
    with _lock:
        _entries.clear()


def connect_invalidation() -> None:
    post_save.connect(clear, sender=Akimat, dispatch_uid="federation_endpoints_save")
    post_delete.connect(clear, sender=Akimat, dispatch_uid="federation_endpoints_delete")
