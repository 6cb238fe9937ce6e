"""Web console login through Keycloak (mozilla-django-oidc, authorization code with PKCE).

Our additions to the library: tokens are checked by our verifier (pinned issuer, audience, RS256,
cached JWKS); the user's roles and akimat come from the access token, not from the userinfo
endpoint; a user of another akimat is refused with a page that says so; logout also ends the
Keycloak session.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from mozilla_django_oidc import middleware as mozilla_middleware
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.backends import MatrixPermissionsMixin
from accounts.claims import AccessRefused, principal_from_claims
from accounts.middleware import request_tenant_slug
from accounts.refusals import LoginFailed, refusal_page
from accounts.tokens import TokenRefused, verifier
from accounts.user_sync import sync_user
from observability.health import keycloak_answers

logger = logging.getLogger(__name__)

REFUSAL_ATTRIBUTE = "identity_refusal"


def _remember(request: HttpRequest, refusal: AccessRefused | LoginFailed) -> None:
    setattr(request, REFUSAL_ATTRIBUTE, refusal)


class KeycloakBackend(MatrixPermissionsMixin, OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> AbstractUser | None:
        try:
            return super().authenticate(request, **kwargs)
        except TokenRefused as refused:
            logger.warning("login refused: %s", refused.code)
            _remember(request, LoginFailed(refused.code))
        except requests.RequestException as error:
            # The code exchange failed (Keycloak down, code reused or expired): no internals shown.
            status = getattr(error.response, "status_code", None)
            logger.warning("login failed at the token endpoint", extra={"status": status})
            _remember(request, LoginFailed("code_exchange_failed"))
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        return verifier().id_token(token, client_id=self.OIDC_RP_CLIENT_ID, nonce=kwargs.get("nonce"))

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> AbstractUser | None:
        claims = verifier().access_token(access_token)
        if claims["sub"] != payload["sub"]:
            raise SuspiciousOperation("the access token and the ID token name different subjects")
        try:
            principal = principal_from_claims(claims, request_tenant_slug(self.request))
        except AccessRefused as refused:
            logger.info("login refused", extra={"code": refused.code, "subject": claims["sub"]})
            _remember(self.request, refused)
            return None
        if principal.kind != "user":
            _remember(self.request, LoginFailed("not_a_person"))
            return None
        return sync_user(principal, claims)


class LoginView(OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not keycloak_answers():
            # The browser would meet its own "site can't be reached" page, in its language, not ours.
            return refusal_page(request, LoginFailed("provider_unavailable"))
        return super().get(request)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        # Keycloak's login page in the language the visitor reads.
        return {**super().get_extra_params(request), "ui_locales": getattr(request, "LANGUAGE_CODE", "ru")}


class CallbackView(OIDCAuthenticationCallbackView):
    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error") == "login_required":
            # A silent re-check (SessionRefresh) found the Keycloak session over: sign in again.
            return HttpResponseRedirect(settings.LOGIN_URL)
        refusal = getattr(self.request, REFUSAL_ATTRIBUTE, None) or LoginFailed("login_failed")
        return refusal_page(self.request, refusal)


class SessionRefresh(mozilla_middleware.SessionRefresh):
    """Every OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS a console session is checked with Keycloak
    (prompt=none): a person logged out, disabled or moved elsewhere in Keycloak loses the session,
    and changed roles arrive. Sessions not made by the OIDC login (tests' force_login) are left alone.
    """

    def is_refreshable_url(self, request: HttpRequest) -> bool:
        return (
            request.method == "GET"
            and not settings.LOCAL_IDENTITY
            and "oidc_id_token_expiration" in request.session
            and super().is_refreshable_url(request)
        )
