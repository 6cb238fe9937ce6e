"""What a web worker's first request would otherwise load, loaded before the worker accepts one.

Django imports the URL configurations (and with them every view: the consoles, the API, the map) on
the first request, and the working calendar reads its holidays on first use: about a second in a
new worker, two under load. A storm that meets new workers would find them all stalled at once
while connections pile up in the accept queue (decision 87). Nothing here touches a database,
Redis or Keycloak: a worker starts whatever is down.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.urls import get_resolver
from django.utils import timezone

from appeals.rules.calendar import WorkingCalendar


def warm() -> None:
    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).url_patterns  # noqa: B018 - loading them is the point
    import_module("celery.events")  # loaded by the first task a request sends
    WorkingCalendar().is_working_day(timezone.localdate())  # its holidays, without the akimat's days
