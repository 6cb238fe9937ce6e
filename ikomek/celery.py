"""The Celery app: tenant-aware, so a task runs in the schema it was sent from."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")

app = CeleryApp("ikomek")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
