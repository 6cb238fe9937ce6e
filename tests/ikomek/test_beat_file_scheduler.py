"""A beat on Celery's own file scheduler (development, tests) starts without celery-redbeat's lock,
which sentry-sdk's Celery integration brings in whenever redbeat is installed (decision 83): the lock
is RedBeat's, and on the file scheduler it failed with a traceback at each `make run`."""

from __future__ import annotations

from celery.beat import PersistentScheduler, Service
from celery.signals import beat_init
from django.conf import settings

from ikomek.celery import app


def test_a_beat_on_the_file_scheduler_starts_without_redbeats_lock(tmp_path):
    import redbeat.schedulers  # noqa: F401 - as sentry-sdk's integration imports it

    assert "redbeat" not in settings.CELERY_BEAT_SCHEDULER.lower()
    beat = Service(app=app, scheduler_cls=PersistentScheduler, schedule_filename=str(tmp_path / "schedule"))
    try:
        answers = beat_init.send(sender=beat)
    finally:
        beat.scheduler.close()
    assert [answer for _receiver, answer in answers if isinstance(answer, Exception)] == []
