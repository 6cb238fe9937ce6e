"""The ops figures the deployment's alarms read: queue depths, relay lag, dead letters, as JSON lines."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import tenant_context
from pythonjsonlogger.json import JsonFormatter

from federation.messaging.models import Message, MessageState
from federation.messaging.outbox import send
from federation.messaging.probe import KIND as PROBE
from ikomek.celery import app
from ikomek.ops_metrics import OPEN_STATES, dead_letter_count, queue_depths, relay_lag_seconds
from ikomek.tasks import log_ops_metrics


@pytest.fixture
def scratch_queue():
    """A queue of its own on the real broker, that no worker consumes; deleted afterwards."""
    name = f"ops-metrics-{uuid.uuid4().hex[:8]}"
    yield name
    with app.connection_for_write() as connection:
        connection.default_channel.queue_delete(name)


def test_queue_depth_counts_waiting_tasks_of_every_priority(scratch_queue):
    empty = f"{scratch_queue}-empty"
    assert queue_depths([scratch_queue, empty]) == {scratch_queue: 0, empty: 0}
    for _ in range(2):
        app.send_task("ikomek.tasks.record_heartbeat", queue=scratch_queue)
    # Redis keeps a list per priority step: a prioritised task waits in another list, counted too.
    app.send_task("ikomek.tasks.record_heartbeat", queue=scratch_queue, priority=9)
    assert queue_depths([scratch_queue, empty]) == {scratch_queue: 3, empty: 0}


def sent(tenant: object, **changes: object) -> Message:
    with tenant_context(tenant):
        message_id = send(PROBE, {"token": "t"}, target="public")
    Message.objects.filter(pk=message_id).update(**changes)
    return Message.objects.get(pk=message_id)


def test_relay_lag_is_the_oldest_undelivered_message_and_dead_letters_are_counted(tenants):
    Message.objects.filter(state__in=OPEN_STATES).delete()  # rolled back with the test
    assert relay_lag_seconds() == 0.0
    dead_before = dead_letter_count()

    now = timezone.now()
    sent(tenants["esil"], state=MessageState.DELIVERED, created_at=now - timedelta(hours=2), delivered_at=now)
    sent(tenants["esil"], state=MessageState.RETRYING, created_at=now - timedelta(seconds=300))
    sent(tenants["kyzylzhar"], created_at=now - timedelta(seconds=30))
    sent(tenants["kyzylzhar"], state=MessageState.DEAD, created_at=now - timedelta(hours=3), dead_at=now)

    # The delivered and the dead ones are older, but only undelivered ones make the relay late.
    assert 300 <= relay_lag_seconds() < 330
    assert dead_letter_count() == dead_before + 1


def test_the_beat_task_logs_one_json_line_per_figure(tenants, caplog):
    sent(tenants["esil"], state=MessageState.DEAD, dead_at=timezone.now())
    with caplog.at_level(logging.INFO, logger="ikomek.ops_metrics"):
        figures = log_ops_metrics()
    # The lines as production writes them (settings.LOGGING's JSON formatter).
    json_settings = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(json_settings["fmt"], rename_fields=json_settings["rename_fields"])
    lines = [json.loads(formatter.format(r)) for r in caplog.records if r.name == "ikomek.ops_metrics"]

    # What the metric filters of infra/terraform/modules/monitoring match: $.metric, $.queue, $.value.
    depths = {line["queue"]: line["value"] for line in lines if line["metric"] == "queue_depth"}
    assert set(depths) == {"celery", "urgent", "cad", "webhooks"}
    assert all(isinstance(value, int) and value >= 0 for value in depths.values())
    by_metric = {line["metric"]: line["value"] for line in lines if line["metric"] != "queue_depth"}
    assert set(by_metric) == {"federation_relay_lag_seconds", "federation_dead_letters"}
    assert by_metric["federation_dead_letters"] == dead_letter_count() >= 1
    assert len(lines) == len(figures) == 6  # a depth per queue, the lag, the dead letters


def test_beat_logs_the_figures_every_minute_in_the_public_schema():
    entry = settings.CELERY_BEAT_SCHEDULE["ops-metrics"]
    assert entry == {"task": "ikomek.tasks.log_ops_metrics", "schedule": 60.0}  # no tenant fan-out
