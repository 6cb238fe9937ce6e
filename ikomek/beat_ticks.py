"""One run per tick of each periodic job, however many beats sent it (decision 82).

One beat and any number of workers already run each job once per tick: beat publishes one message,
and the broker hands a message to one worker only. What this adds is the case of a second beat (one
started by mistake, a rolling deploy overlapping the old one, a beat that lost the production
scheduler's lock while paused and carries on): its copies of the jobs are dropped by the worker.

Beat stamps each message it publishes with its entry's name and the time it was sent (Celery marks
beat's messages with the `celery_beat_task` header). A worker runs such a message only if no run of
that entry was sent within the last TICK_SHARE of its interval: the claim is one atomic step in
Redis, so two workers given two beats' copies of one tick run one of them. Runs of an entry are then
at least TICK_SHARE of the interval apart, whichever beat sent them; a lone beat sends a full interval
apart and is never held back. Redelivered copies (the same sending time) are dropped too.

Without Redis the claim cannot be made and the job runs (fail open): every periodic job is a sweep
that is safe to repeat (the SLA monitor locks each appeal and marks it once), while a job skipped
would be an SLA warning missed. Workers cannot take messages without Redis (the broker) anyway.

The lock on the scheduler itself (celery-redbeat in production, the image's beat) is separate and
complementary: it keeps a second beat from sending at all; this keeps what one sends anyway from
running twice.
"""

from __future__ import annotations

import datetime
import logging
import time
from functools import cache
from typing import Any

import redis
from celery import Task
from celery.exceptions import Ignore
from celery.schedules import schedule as every
from django.conf import settings
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger(__name__)

ENTRY_HEADER = "ikomek_beat_entry"
SENT_HEADER = "ikomek_beat_sent_at"
# A second beat's copy is dropped when a run of the entry was sent less than this share of the
# interval before it; a lone beat's ticks are a full interval apart.
TICK_SHARE = 0.9
KEY_PREFIX = "ikomek:beat-tick:"

# Claim the tick when no run was sent within the window before this one (atomic in Redis).
_CLAIM = """
local last = redis.call('GET', KEYS[1])
if last and tonumber(ARGV[1]) < tonumber(last) + tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
"""


def interval_of(entry: dict[str, Any]) -> float | None:
    """Seconds between the entry's runs, or None for a schedule that is not a fixed interval."""
    run_every = entry.get("schedule")
    if isinstance(run_every, int | float):
        return float(run_every)
    if isinstance(run_every, datetime.timedelta):
        return run_every.total_seconds()
    if isinstance(run_every, every):
        return run_every.run_every.total_seconds()
    return None


def entry_named(task: str, args: list | tuple) -> str | None:
    """The name of the beat entry sending `task` with `args` (entries are told apart by both)."""
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if entry["task"] == task and list(entry.get("args", ())) == list(args):
            return name
    return None


def stamp(headers: dict[str, Any], body: object) -> None:
    """In beat (before_task_publish): name the entry and the sending time on beat's own messages."""
    if not headers.get("celery_beat_task"):
        return
    args = body[0] if isinstance(body, list | tuple) and body else []
    name = entry_named(headers.get("task", ""), args)
    if name is not None:
        headers[ENTRY_HEADER] = name
        headers[SENT_HEADER] = time.time()


@cache
def _claimer() -> Any:
    client = redis.Redis.from_url(
        settings.CACHE_REDIS_URL,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT_SECONDS,
        socket_timeout=0.5,
    )
    return client.register_script(_CLAIM)


def claim(name: str, sent_at: float) -> bool:
    """True if this run of entry `name`, sent at `sent_at`, is the tick's (False: another ran it)."""
    entry = settings.CELERY_BEAT_SCHEDULE.get(name)
    interval = interval_of(entry) if entry else None
    if interval is None:
        return True
    window_ms = int(interval * TICK_SHARE * 1000)
    keep_ms = max(int(interval * 2000), 60_000)
    try:
        return bool(_claimer()(keys=[KEY_PREFIX + name], args=[int(sent_at * 1000), window_ms, keep_ms]))
    except redis.RedisError:
        logger.warning("beat tick not claimed (Redis unreachable): %s runs", name, exc_info=True)
        return True


def request_header(task: Task, header: str) -> object:
    """A message header as the worker sees it (the Redis transport merges them into the request)."""
    request = task.request
    value = (request.headers or {}).get(header)
    return value if value is not None else getattr(request, header, None)


def drop_a_second_run(task: Task) -> None:
    """In the worker, before a task runs: a beat message whose tick already ran is ignored."""
    name, sent_at = request_header(task, ENTRY_HEADER), request_header(task, SENT_HEADER)
    if not name or sent_at is None:
        return
    if claim(str(name), float(sent_at)):
        return
    logger.info("beat tick already run: %s dropped (sent at %.3f)", name, float(sent_at))
    raise Ignore()


class TickTask(TenantTask):
    """The app's task class: tenant-aware (tenant-schemas-celery), and one run per beat tick."""

    abstract = True

    def before_start(self, task_id: str, args: tuple, kwargs: dict) -> None:
        drop_a_second_run(self)
