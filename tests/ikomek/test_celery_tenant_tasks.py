"""A task runs in the schema it was sent from; the periodic fan-out reaches every active tenant."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from ikomek.tasks import HEARTBEAT_KEY, fan_out_to_tenants, record_heartbeat
from testkit.processes import celery_worker, wait_until

pytestmark = pytest.mark.slow  # a real worker for the module


@pytest.fixture(scope="module")
def worker(onboarded, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        celery_worker(tmp_path_factory.mktemp("worker") / "worker.log") as process,
    ):
        yield process


def heartbeat_of(tenant: object) -> dict | None:
    with tenant_context(tenant):
        return cache.get(HEARTBEAT_KEY)


def test_task_sent_from_a_tenant_runs_in_its_schema(onboarded, worker, django_db_blocker):
    token = uuid.uuid4().hex
    with django_db_blocker.unblock():
        with tenant_context(onboarded["kyzylzhar"]):
            record_heartbeat.delay(token)

        assert wait_until(
            lambda: (heartbeat_of(onboarded["kyzylzhar"]) or {}).get("token") == token, timeout=30
        )
        beat = heartbeat_of(onboarded["kyzylzhar"])
        assert beat["schema"] == "kyzylzhar"
        assert beat["current_schema"] == "kyzylzhar"  # PostgreSQL's own view of the search_path
        # The other akimat's cache key space never saw it.
        assert (heartbeat_of(onboarded["esil"]) or {}).get("token") != token


def test_fan_out_sends_one_task_into_each_active_tenant(onboarded, worker, django_db_blocker):
    token = uuid.uuid4().hex
    with django_db_blocker.unblock():
        sent = fan_out_to_tenants("ikomek.tasks.record_heartbeat", token)
        assert set(onboarded.values()) and {t.schema_name for t in onboarded.values()} <= set(sent)
        assert "public" not in sent

        def all_beat() -> bool:
            return all((heartbeat_of(t) or {}).get("token") == token for t in onboarded.values())

        assert wait_until(all_beat, timeout=30)
        for tenant in onboarded.values():
            assert heartbeat_of(tenant)["current_schema"] == tenant.schema_name
