"""Every Celery task has a time limit: a soft one that raises in the task, a hard one that ends it.

The limits come from the settings (global, with per-task annotations); a real prefork worker shows
they bite: a task past its soft limit is interrupted, one that ignores it is ended at the hard limit.
"""

from __future__ import annotations

import uuid

import pytest
import redis
from django.conf import settings

from ikomek.celery import app
from testkit.processes import celery_worker, wait_until


def limits(name: str) -> tuple[float, float]:
    task = app.tasks[name]
    return (
        task.soft_time_limit or app.conf.task_soft_time_limit,
        task.time_limit or app.conf.task_time_limit,
    )


def test_every_task_of_ours_has_a_soft_and_a_hard_limit():
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert "emergency_112.deliver_cad" in ours and "federation.deliver" in ours
    for name in ours:
        soft, hard = limits(name)
        assert soft and hard and soft < hard, (name, soft, hard)


def test_per_task_limits_where_the_default_does_not_fit():
    assert limits("ikomek.tasks.fan_out_to_tenants") == (240, 300)
    assert limits("federation.deliver") == (60, 90)
    assert limits("federation.sweep") == (90, 120)
    # A CAD task fits several calls, each to its deadline, in its soft limit.
    soft, hard = limits("emergency_112.deliver_cad")
    assert (soft, hard) == (120, 150)
    per_call = settings.EMERGENCY_CAD_CONNECT_TIMEOUT_SECONDS + settings.EMERGENCY_CAD_DEADLINE_SECONDS
    assert soft > 2 * per_call


@pytest.mark.slow
def test_a_prefork_worker_interrupts_and_then_ends_a_task_past_its_limits(tmp_path):
    marks = redis.Redis.from_url(settings.CACHE_REDIS_URL)
    polite, stubborn = f"limits-{uuid.uuid4().hex}", f"limits-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    env = {
        "CELERY_TASK_SOFT_TIME_LIMIT": "1",
        "CELERY_TASK_TIME_LIMIT": "3",
        "TIME_LIMIT_MARKS_URL": settings.CACHE_REDIS_URL,
    }
    seen = lambda key: [m.decode() for m in marks.lrange(key, 0, -1)]  # noqa: E731
    # A queue of its own: on the shared one this worker would also run drains and the sweep it kicks
    # when it starts, for what other tests left in the outbox, and their limits would bite first.
    queue = f"limits-{uuid.uuid4().hex[:8]}"
    try:
        # Time limits are enforced by the prefork pool (the tests' usual solo pool has none).
        with celery_worker(
            log, "-I", "tests.ikomek.sleepy_tasks", "--pool", "prefork", "--concurrency", "1", "-Q", queue,
            env=env,
        ):  # fmt: skip
            app.send_task("tests.ikomek.sleep_past_the_soft_limit", (polite, 30), queue=queue)
            app.send_task("tests.ikomek.ignore_the_soft_limit", (stubborn, 30), queue=queue)
            assert wait_until(lambda: seen(polite) == ["started", "soft limit"], timeout=30), log.read_text()
            assert wait_until(lambda: "Hard time limit (3" in log.read_text(), timeout=30), log.read_text()
        assert seen(stubborn)[:2] == ["started", "soft limit ignored"]
        assert "finished" not in seen(stubborn)
    finally:
        marks.delete(polite, stubborn)
