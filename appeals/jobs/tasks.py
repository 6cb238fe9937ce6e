"""Periodic work of one akimat; beat reaches every tenant through ikomek.tasks.fan_out_to_tenants."""

from __future__ import annotations

from celery import shared_task

from appeals.attachments.orphans import sweep_orphan_files as sweep_orphans
from appeals.emergency.watchdog import raise_not_received_alarms
from appeals.jobs.mail import deliver_pending
from appeals.jobs.monitor import sweep
from appeals.portal.kept_expiry import expire_kept_photos as expire_kept


@shared_task(name="appeals.tasks.monitor_deadlines", ignore_result=True)
def monitor_deadlines() -> dict[str, int]:
    """Runs in the schema it was sent into (tenant-schemas-celery)."""
    return sweep().__dict__


@shared_task(name="appeals.tasks.watch_112_forwards", ignore_result=True)
def watch_112_forwards() -> int:
    """Alarms for this akimat's forwards that 112 has not reported receiving in time."""
    return len(raise_not_received_alarms())


@shared_task(name="appeals.tasks.deliver_notifications", ignore_result=True)
def deliver_notifications() -> int:
    """E-mail this akimat's notices no e-mail has carried yet (kicked per notice, swept by beat)."""
    return deliver_pending()


@shared_task(name="appeals.tasks.sweep_orphan_files", ignore_result=True)
def sweep_orphan_files() -> int:
    """Delete this akimat's files a rolled-back transaction left without their row."""
    return len(sweep_orphans())


@shared_task(name="appeals.tasks.expire_kept_photos", ignore_result=True)
def expire_kept_photos() -> int:
    """Remove this akimat's photos of refused portal forms a day after (decision 109)."""
    return len(expire_kept())
