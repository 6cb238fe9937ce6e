"""The Celery app: tenant-aware, so a task runs in the schema it was sent from."""

import gc
import os

from celery.signals import beat_init, task_prerun, worker_init, worker_process_init
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")

app = CeleryApp("ikomek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Appeals keeps its periodic jobs in appeals/jobs/ (autodiscovery looks for <app>.tasks only).
app.autodiscover_tasks(["appeals.jobs"])


def _redbeats_lock_with_redbeat_only() -> None:
    """sentry-sdk's Celery integration imports celery-redbeat when it is installed, and redbeat's
    module then connects a lock to every beat's start, which fails on Celery's own file scheduler
    (development and tests: a traceback, `'PersistentScheduler' object has no attribute 'lock_key'`,
    at each `make run`). The lock is RedBeat's (decision 83): it runs with RedBeat only."""
    from django.conf import settings

    if "redbeat" in settings.CELERY_BEAT_SCHEDULER.lower():
        return
    try:
        from redbeat.schedulers import acquire_distributed_beat_lock
    except ImportError:
        return
    beat_init.disconnect(acquire_distributed_beat_lock)


_redbeats_lock_with_redbeat_only()


@task_prerun.connect(weak=False, dispatch_uid="ikomek_close_old_connections")
def _close_old_connections(**_kwargs: object) -> None:
    """Per task what Django does per request: drop a connection that is broken or past CONN_MAX_AGE.

    With CELERY_DB_REUSE_MAX set, Celery keeps connections between tasks; this keeps them healthy.
    """
    from django.db import close_old_connections

    close_old_connections()


@worker_init.connect(weak=False, dispatch_uid="ikomek_refuse_unsafe_start")
def _refuse_unsafe_start(**_kwargs: object) -> None:
    """A production worker runs the deployment checks first (ikomek.start_checks)."""
    import django
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    if not apps.ready:
        django.setup()
    from ikomek.start_checks import refuse_unsafe_start

    try:
        refuse_unsafe_start("worker")
    except ImproperlyConfigured as error:
        # Celery logs and ignores a signal handler's ordinary exception; this one must stop the worker.
        raise SystemExit(str(error)) from None


@worker_process_init.connect(weak=False, dispatch_uid="ikomek_freeze_what_is_loaded")
def _freeze_what_is_loaded(**_kwargs: object) -> None:
    """A pool process keeps what it was forked with (Django, the tasks, the relay's handlers: about
    190,000 objects) as long as it lives: out of the garbage collector's full passes, as a web
    worker's (decision 93). A full pass over them took about 100 ms, a batch's delay (112's too)."""
    gc.freeze()
