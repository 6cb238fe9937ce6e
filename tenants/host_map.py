"""Host name -> tenant, kept in process memory so a request costs no registry query.

Entries live TENANT_HOST_CACHE_SECONDS; a change to an akimat or a domain clears this process's
map at once (other processes pick it up when their entries expire). Unknown hosts are remembered
too (no query per request for junk), and the map holds at most MAX_HOSTS entries, the least
recently used going first, so made-up `<anything>.<base>` hosts cannot grow it without bound.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from tenants.models import Akimat, Domain

MAX_HOSTS = 2048

_lock = threading.Lock()
_entries: OrderedDict[str, tuple[float, Akimat | None]] = OrderedDict()


def lookup(hostname: str) -> Akimat | None:
    """The tenant serving this host, or None when no akimat has it."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get(hostname)
        if entry is not None and entry[0] > now:
            _entries.move_to_end(hostname)
            return entry[1]
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    tenant = domain.tenant if domain else None
    with _lock:
        _entries[hostname] = (now + settings.TENANT_HOST_CACHE_SECONDS, tenant)
        _entries.move_to_end(hostname)
        while len(_entries) > MAX_HOSTS:
            _entries.popitem(last=False)
    return tenant


def size() -> int:
    return len(_entries)


def clear() -> None:
    with _lock:
        _entries.clear()


def _on_change(**_kwargs: object) -> None:
    clear()


def connect_invalidation() -> None:
    for model in (Akimat, Domain):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"host_map_save_{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"host_map_delete_{model.__name__}")
