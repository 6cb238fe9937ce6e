"""iKOMEK Django project: settings, URLs, Celery app and the root GraphQL schema."""

from ikomek.celery import app as celery_app

__all__ = ["celery_app"]
