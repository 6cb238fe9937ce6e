"""System checks: the development identity says so at start; production needs real client secrets,
and a Keycloak that still takes a development secret is refused (deployment check)."""

from __future__ import annotations

import requests
from django.conf import settings
from django.core import checks

from accounts.keycloak_realm import DEVELOPMENT_CLIENT_SECRETS, issuer


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
        known = set(DEVELOPMENT_CLIENT_SECRETS.values())
        for name in ("OIDC_RP_CLIENT_SECRET", "KEYCLOAK_PROVISIONER_SECRET"):
            value = getattr(settings, name)
            if not value or value in known or value.endswith("-dev-secret"):
                problems.append(
                    checks.Error(
                        f"{name} is empty or the development value",
                        hint="Set it to the client's secret from Keycloak's admin console.",
                        id="accounts.E001",
                    )
                )
    return problems


def development_secret_accepted(client_id: str, secret: str) -> bool | None:
    """Whether the configured Keycloak authenticates `client_id` with `secret`; None: it cannot say."""
    endpoint = f"{issuer()}/protocol/openid-connect"
    credentials = {"client_id": client_id, "client_secret": secret}
    timeout = settings.KEYCLOAK_TIMEOUT_SECONDS
    try:
        # What an outsider would try: a token of the client's service account (e.g. dispatcher_112).
        grant = requests.post(
            f"{endpoint}/token", data={"grant_type": "client_credentials", **credentials}, timeout=timeout
        )
        if grant.status_code == 200:
            return True
        # A client without a service account refuses that grant whatever the secret; introspection
        # answers 200 to any authenticated client and 401 otherwise.
        probe = requests.post(
            f"{endpoint}/token/introspect", data={"token": "-", **credentials}, timeout=timeout
        )
    except requests.RequestException:
        return None
    if probe.status_code == 200:
        return True
    if probe.status_code in (400, 401):
        return False
    return None


@checks.register(checks.Tags.security, deploy=True)
def keycloak_refuses_development_secrets(
    app_configs: object = None, **_kwargs: object
) -> list[checks.CheckMessage]:
    """The development realm's secrets are public: the Keycloak we trust must take none of them.

    A deployment check: `manage.py check --deploy`, and the start of the web and of every worker in
    production (ikomek.start_checks). Development and test realms do accept them, by design.
    """
    if settings.LOCAL_IDENTITY:
        return []
    messages: list[checks.CheckMessage] = []
    for client_id, secret in DEVELOPMENT_CLIENT_SECRETS.items():
        accepted = development_secret_accepted(client_id, secret)
        if accepted:
            messages.append(
                checks.Error(
                    f"Keycloak ({issuer()}) accepts the published development secret of the client "
                    f"{client_id}",
                    hint=(
                        f"Regenerate it (admin console: Clients > {client_id} > Credentials) and import "
                        "the production realm platform/keycloak/ikomek-realm.json, which has no secrets."
                    ),
                    id="accounts.E002",
                )
            )
        elif accepted is None:
            messages.append(
                checks.Warning(
                    f"Could not ask Keycloak ({issuer()}) whether it refuses the development secret "
                    f"of {client_id}",
                    hint="Keycloak did not answer; the check runs again at the next start.",
                    id="accounts.W002",
                )
            )
    return messages
