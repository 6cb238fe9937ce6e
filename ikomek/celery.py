"""The Celery app: tenant-aware, so a task runs in the schema it was sent from."""

import os

from celery.signals import task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")

app = CeleryApp("ikomek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Appeals keeps its periodic jobs in appeals/jobs/ (autodiscovery looks for <app>.tasks only).
app.autodiscover_tasks(["appeals.jobs"])


@task_prerun.connect(weak=False, dispatch_uid="ikomek_close_old_connections")
def _close_old_connections(**_kwargs: object) -> None:
    """Per task what Django does per request: drop a connection that is broken or past CONN_MAX_AGE.

    With CELERY_DB_REUSE_MAX set, Celery keeps connections between tasks; this keeps them healthy.
    """
    from django.db import close_old_connections

    close_old_connections()
