"""Celery tasks of the 112 register. They run in the public schema (the regional level).

Deliveries (to akimats and to a centre's CAD) are federation messages: the relay's tasks send them.
"""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from federation.emergency_112 import watchdog


@shared_task(name="emergency_112.raise_ack_alarms", ignore_result=True)
def raise_ack_alarms() -> int:
    """Beat: alarms for incidents 112 has not acknowledged in time, and for undeliverable CAD documents."""
    with schema_context(get_public_schema_name()):
        return len(watchdog.raise_ack_alarms()) + len(watchdog.raise_cad_alarms())
