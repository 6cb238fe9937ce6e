"""Periodic work of one akimat; beat reaches every tenant through ikomek.tasks.fan_out_to_tenants."""

from __future__ import annotations

from celery import shared_task

from appeals.monitor import sweep


@shared_task(name="appeals.tasks.monitor_deadlines", ignore_result=True)
def monitor_deadlines() -> dict[str, int]:
    """Runs in the schema it was sent into (tenant-schemas-celery)."""
    return sweep().__dict__
