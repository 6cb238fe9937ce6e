"""Tasks that outstay their time limit, for test_celery_time_limits.py (a worker imports them with -I).

Each records what happened to it in a Redis list, so the test sees it from outside the worker.
"""

from __future__ import annotations

import os
import time

import redis
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


def mark(key: str, what: str) -> None:
    redis.Redis.from_url(os.environ["TIME_LIMIT_MARKS_URL"]).rpush(key, what)


@shared_task(name="tests.ikomek.sleep_past_the_soft_limit", ignore_result=True)
def sleep_past_the_soft_limit(key: str, seconds: float) -> None:
    mark(key, "started")
    try:
        time.sleep(seconds)
    except SoftTimeLimitExceeded:
        mark(key, "soft limit")
        return
    mark(key, "finished")


@shared_task(name="tests.ikomek.ignore_the_soft_limit", ignore_result=True)
def ignore_the_soft_limit(key: str, seconds: float) -> None:
    mark(key, "started")
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            time.sleep(0.1)
        except SoftTimeLimitExceeded:
            mark(key, "soft limit ignored")
    mark(key, "finished")
