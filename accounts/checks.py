"""System checks: the development identity says so at start; production needs real client secrets."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def identity_configuration(app_configs: object = None, **_kwargs: object) -> list[checks.CheckMessage]:
    if settings.LOCAL_IDENTITY:
        return [
            checks.Warning(
                "Keycloak is not configured (KEYCLOAK_URL is empty): local development identity with "
                "local demo users and no single sign-on.",
                hint="Set KEYCLOAK_URL; production refuses to start without it.",
                id="accounts.W001",
            )
        ]
    problems = []
    if settings.PRODUCTION:
        for name in ("OIDC_RP_CLIENT_SECRET", "KEYCLOAK_PROVISIONER_SECRET"):
            value = getattr(settings, name)
            if not value or value.endswith("-dev-secret"):
                problems.append(
                    checks.Error(
                        f"{name} is empty or the development value",
                        hint="Set it to the client's secret from Keycloak's admin console.",
                        id="accounts.E001",
                    )
                )
    return problems
