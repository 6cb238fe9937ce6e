"""Platform-wide tasks: the per-tenant fan-out of periodic jobs, the worker heartbeat, the ops figures."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from ikomek.celery import app
from ikomek.ops_metrics import log_figures
from tenants.models import Akimat

HEARTBEAT_KEY = "worker-heartbeat"


@app.task(name="ikomek.tasks.fan_out_to_tenants", ignore_result=True)
def fan_out_to_tenants(task_name: str, *args: object) -> list[str]:
    """Beat entries carry no tenant: send `task_name` once into every active akimat's schema."""
    sent = []
    for tenant in Akimat.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name()):
        with tenant_context(tenant):
            # send_task stamps the current schema into the message headers.
            app.send_task(task_name, args=args)
        sent.append(tenant.schema_name)
    return sent


@app.task(name="ikomek.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(token: str = "") -> dict[str, str]:
    """Proof of life per tenant: which schema the task ran in, as Django and as PostgreSQL see it.

    The cache key carries the schema, so each akimat reads only its own heartbeat.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (search_path_head,) = cursor.fetchone()
    beat = {
        "schema": connection.schema_name,
        "current_schema": search_path_head,
        "at": timezone.now().isoformat(),
        "token": token,
    }
    cache.set(HEARTBEAT_KEY, beat, timeout=3600)
    return beat


@app.task(name="ikomek.tasks.log_ops_metrics", ignore_result=True)
def log_ops_metrics() -> list[dict[str, object]]:
    """Queue depths, relay lag and dead letters as log lines for the alarms (ikomek/ops_metrics.py)."""
    return log_figures()
