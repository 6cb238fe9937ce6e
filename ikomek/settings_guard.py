"""Refuse unsafe production configurations before Django starts serving."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# A development-only key, never valid in production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-ikomek-do-not-use-in-production"  # noqa: S105


def check_production_settings(
    *, debug: bool, secret_key: str, allowed_hosts: list[str], local_identity: bool
) -> None:
    """Raise ImproperlyConfigured naming every problem at once."""
    problems: list[str] = []
    if debug:
        problems.append("DEBUG must be off (set DJANGO_DEBUG=false)")
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < 50:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters")
    if not allowed_hosts or "*" in allowed_hosts:
        problems.append("DJANGO_ALLOWED_HOSTS must list the served host names (no '*')")
    if local_identity:
        problems.append("the local development identity is not allowed; configure KEYCLOAK_URL")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))
