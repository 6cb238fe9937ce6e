"""Logging out of the web console also ends the Keycloak (single sign-on) session."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from accounts import keycloak_realm


def keycloak_logout_url(request: HttpRequest) -> str:
    """Keycloak's end-session endpoint, returning to this host's front page afterwards."""
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        # Registered for every host of ours by onboarding (accounts.provisioning).
        "post_logout_redirect_uri": request.build_absolute_uri("/"),
    }
    id_token = request.session.get("oidc_id_token") if hasattr(request, "session") else None
    if id_token:
        # With the hint Keycloak ends the session without asking again.
        params["id_token_hint"] = id_token
    return f"{keycloak_realm.issuer()}/protocol/openid-connect/logout?{urlencode(params)}"
