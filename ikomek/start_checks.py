"""In production the web and every worker run the deployment system checks before they start.

gunicorn and Celery run no system checks of their own that stop them, so an error found only by
`manage.py check` (client secrets left at the development values, accounts.E001; a Keycloak that
still takes a development secret, accounts.E002) would not keep a process from serving. Here any
error refuses the start; warnings are left to `manage.py check --deploy`.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def refuse_unsafe_start(process: str) -> None:
    """Raise ImproperlyConfigured naming every error of the deployment checks (production only)."""
    if not settings.PRODUCTION:
        return
    errors = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        found = "; ".join(f"{message.id}: {message.msg}" for message in errors)
        raise ImproperlyConfigured(f"Refusing to start the {process} in production: {found}")
