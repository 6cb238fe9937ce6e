"""The beat entry reaches the SLA monitor of every tenant through the fan-out, with a real worker."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals.models import Appeal, Violation
from ikomek.celery import app as celery_app
from ikomek.tasks import fan_out_to_tenants
from testkit.processes import celery_worker, wait_until
from tests.appeals.conftest import EXECUTOR, OPERATOR, intake


def test_the_beat_schedule_fans_the_monitor_out(tenants):
    entry = settings.CELERY_BEAT_SCHEDULE["appeals-sla-monitor"]
    assert entry["task"] == "ikomek.tasks.fan_out_to_tenants"
    assert entry["args"] == ("appeals.tasks.monitor_deadlines",)
    celery_app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    assert "appeals.tasks.monitor_deadlines" in celery_app.tasks


@pytest.mark.slow
def test_the_monitor_runs_in_each_tenant_through_a_real_worker(scratch_tenant, django_db_blocker, tmp_path):
    from appeals import actions

    with django_db_blocker.unblock():
        with tenant_context(scratch_tenant):
            appeal = intake(location=(69.05, 54.05))
            actions.register_appeal(OPERATOR, appeal.number, assign=True)
            actions.start_work(EXECUTOR, appeal.number)
            Appeal.objects.filter(pk=appeal.pk).update(deadline=timezone.now() - datetime.timedelta(hours=2))
        connection.set_schema_to_public()

        with celery_worker(tmp_path / "worker.log"):
            sent = fan_out_to_tenants("appeals.tasks.monitor_deadlines")
            assert "appeals_scratch" in sent and "public" not in sent

            def violation_opened() -> bool:
                with tenant_context(scratch_tenant):
                    return Violation.objects.filter(appeal_id=appeal.pk).exists()

            assert wait_until(violation_opened, timeout=60), (tmp_path / "worker.log").read_text()[-3000:]
        with tenant_context(scratch_tenant):
            appeal.refresh_from_db()
            assert appeal.overdue_at is not None
            assert list(appeal.events.filter(actor_role="system").values_list("kind", flat=True)) == [
                "overdue",
                "escalated",
            ]
        connection.set_schema_to_public()
