"""Refuse unsafe configurations before Django starts serving.

Only two environments are not production, and they are named exactly: anything else (unset, a
typo, `prod`) refuses to start instead of quietly running with development defaults. What needs the
applications or the network (client secrets, a Keycloak that still takes development secrets) is
a system check instead, run when the web or a worker starts (`ikomek.start_checks`).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

PRODUCTION_ENVIRONMENT = "production"
NON_PRODUCTION_ENVIRONMENTS = ("development", "test")
ENVIRONMENTS = (*NON_PRODUCTION_ENVIRONMENTS, PRODUCTION_ENVIRONMENT)

# A development-only key, never valid in production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-ikomek-do-not-use-in-production"  # noqa: S105
MIN_SECRET_KEY_LENGTH = 50


def checked_environment(value: str | None) -> str:
    """The environment's name, or ImproperlyConfigured naming the allowed values."""
    if value not in ENVIRONMENTS:
        shown = "not set" if value is None else f"{value!r}"
        raise ImproperlyConfigured(
            f"IKOMEK_ENV is {shown}; set it to one of: {', '.join(ENVIRONMENTS)} "
            "(only 'production' is production, and it must be spelled exactly)"
        )
    return value


def check_production_settings(
    *,
    debug: bool,
    secret_key: str,
    allowed_hosts: list[str],
    local_identity: bool,
    cad_allow_plain_http: bool = False,
    hsts_seconds: int = 31_536_000,
) -> None:
    """Raise ImproperlyConfigured naming every problem at once."""
    problems: list[str] = []
    if debug:
        problems.append("DEBUG must be off (set DJANGO_DEBUG=false)")
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"DJANGO_SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters"
        )
    if not allowed_hosts or "*" in allowed_hosts:
        problems.append("DJANGO_ALLOWED_HOSTS must list the served host names (no '*')")
    if local_identity:
        problems.append("the local development identity is not allowed; configure KEYCLOAK_URL")
    if cad_allow_plain_http:
        problems.append("EMERGENCY_CAD_ALLOW_PLAIN_HTTP must be off: CAD endpoints are https:// only")
    if hsts_seconds <= 0:
        problems.append("DJANGO_SECURE_HSTS_SECONDS must be positive: browsers keep to HTTPS")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))
