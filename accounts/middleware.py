"""Attaches `request.principal` to every request.

- `Authorization: Bearer <token>`: a Keycloak access token, verified (signature against the realm's
  JWKS, issuer, audience, expiry) and matched against the host's akimat; a refused token gets a 401
  or 403 that says why, and the request goes no further.
- otherwise the Django session user (created by the OIDC login, or `force_login` in tests), whose
  groups are named after realm roles and whose staff profile names their organisation; resolved
  lazily, so anonymous pages cost no query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from accounts.account_status import accounts, current_claims
from accounts.claims import ROLE_NAMES, AccessRefused, is_service_account, principal_from_claims
from accounts.keycloak_realm import AKIMAT_GROUP_PREFIX
from accounts.principal import ANONYMOUS, Principal
from accounts.roles import Role
from accounts.tokens import TokenRefused, verifier
from accounts.user_sync import apply_current_roles
from apierrors.envelope import error_response

logger = logging.getLogger(__name__)


def request_tenant_slug(request: HttpRequest) -> str | None:
    """The akimat whose host served the request; None on the regional host."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return None
    return tenant.slug


def user_roles(user: object) -> frozenset[Role]:
    """Roles of a Django user from its groups, cached on the user object (one query per request)."""
    cached = getattr(user, "_ikomek_roles", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(Role(name) for name in names if name in ROLE_NAMES)
        user._ikomek_roles = cached
    return cached


def principal_for_user(user: object, tenant_slug: str | None) -> Principal:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    # Joined by the auth backend's get_user: no extra query (None for local and test users).
    identity = getattr(user, "oidc_identity", None)
    profile = getattr(user, "staff_profile", None)
    return Principal(
        subject=identity.subject if identity else f"local:{user.get_username()}",
        issuer=identity.issuer if identity else "local",
        username=user.get_username(),
        display_name=user.get_full_name() or user.get_username(),
        kind="user",
        roles=user_roles(user),
        tenant=tenant_slug,
        organisation=(profile.organisation or None) if profile else None,
    )


# Set on a request whose bearer token this middleware verified; read through `acts_by_token`.
_BEARER_FLAG = "_ikomek_bearer_verified"


def acts_by_token(request: HttpRequest) -> bool:
    """Whether the caller is the bearer of a verified token (an integrator, the exchange, a bench),
    not a console session or an anonymous caller: the one place later layers ask."""
    return getattr(request, _BEARER_FLAG, False)


def principal_from_bearer(token: str, tenant_slug: str | None) -> Principal:
    if settings.LOCAL_IDENTITY:
        raise TokenRefused(
            "not_configured", _("Bearer tokens are not accepted: this server has no identity provider.")
        )
    if not token:
        raise TokenRefused("malformed", _("The Authorization header holds no token."))
    return principal_from_claims(claims_now(verifier().access_token(token)), tenant_slug)


def claims_now(claims: dict[str, Any]) -> dict[str, Any]:
    """A verified token's claims as far as Keycloak still grants them (decision 53)."""
    client_id = claims.get("client_id") if is_service_account(claims) else None
    current = current_claims(claims, accounts().status(claims["sub"], client_id))
    if current is None:
        raise TokenRefused(
            "account_disabled", _("This account is disabled or deleted in the identity provider.")
        )
    return current


def recheck_session(request: HttpRequest, tenant_slug: str | None) -> None:
    """A console session of a Keycloak account follows what Keycloak says now, on every request
    (GET and POST, pages and admin alike): disabled, deleted or taken out of this akimat signs the
    person out; changed roles apply at once."""
    if settings.LOCAL_IDENTITY or SESSION_KEY not in request.session:
        return
    user = request.user
    identity = getattr(user, "oidc_identity", None)
    if identity is None or not user.is_authenticated:
        return  # local users (development identity, tests' force_login)
    status = accounts().status(identity.subject)
    if status is None:
        return  # Keycloak unreachable and this account never read: the session stands
    member = tenant_slug is None or f"{AKIMAT_GROUP_PREFIX}{tenant_slug}" in status.groups
    if not status.enabled or not member:
        logger.info(
            "session ended: account disabled or moved in keycloak", extra={"user": user.get_username()}
        )
        logout(request)
        return
    roles = frozenset(Role(name) for name in status.roles if name in ROLE_NAMES)
    if roles != user_roles(user):
        apply_current_roles(user, roles)


# Schemes other than Bearer are refused, not ignored: a client sending Basic or Token credentials
# would otherwise be served as anonymous and never learn why nothing is allowed.
UNSUPPORTED_SCHEME = _(
    "Only Authorization: Bearer <access token> is accepted here (a Keycloak access token)."
)


def _challenge(error: str | None = None, description: str | Promise = "") -> str:
    """RFC 6750 §3: the realm, and the error only when a Bearer token was sent (in English: a header)."""
    challenge = f'Bearer realm="{settings.KEYCLOAK_REALM}"'
    if error:
        with translation.override("en"):
            # The header takes printable ASCII only (RFC 6750 §3): anything else would be sent
            # RFC 2047-encoded, which no client reads.
            text = str(description).replace('"', "'").replace("\\", "/")
            text = text.encode("ascii", "replace").decode()
        challenge += f', error="{error}", error_description="{text}"'
    return challenge


def _refusal(
    request: HttpRequest, status: int, code: str, message: str | Promise, challenge: str | None
) -> JsonResponse:
    headers = {"WWW-Authenticate": challenge} if challenge else {}
    if status == 503:
        headers["Retry-After"] = "5"
    return error_response(request, status, code, message, headers=headers)


def token_refusal_response(request: HttpRequest, refused: TokenRefused) -> JsonResponse:
    challenge = _challenge("invalid_token", refused.message) if refused.status == 401 else None
    return _refusal(request, refused.status, refused.code, refused.message, challenge)


def access_refusal_response(request: HttpRequest, refused: AccessRefused) -> JsonResponse:
    return _refusal(
        request, 403, refused.code, refused.message, _challenge("insufficient_scope", refused.message)
    )


def scheme_refusal_response(request: HttpRequest) -> JsonResponse:
    return _refusal(request, 401, "unsupported_auth_scheme", UNSUPPORTED_SCHEME, _challenge())


class PrincipalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        if settings.LOCAL_IDENTITY:
            logger.warning(
                "KEYCLOAK_URL is empty: local development identity in use (local demo users, no SSO); "
                "never in production"
            )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        slug = request_tenant_slug(request)
        authorization = request.META.get("HTTP_AUTHORIZATION", "").strip()
        scheme, _space, token = authorization.partition(" ")
        if authorization and scheme.lower() != "bearer":
            return scheme_refusal_response(request)
        if scheme.lower() == "bearer":
            try:
                request.principal = principal_from_bearer(token.strip(), slug)
            except TokenRefused as refused:
                return token_refusal_response(request, refused)
            except AccessRefused as refused:
                return access_refusal_response(request, refused)
            # The token is the identity: a session cookie sent along must not mix in, and a bearer
            # token is no ambient credential, so CSRF protection does not apply to it.
            request.user = AnonymousUser()
            request._dont_enforce_csrf_checks = True
            setattr(request, _BEARER_FLAG, True)
            return self.get_response(request)
        recheck_session(request, slug)
        request.principal = SimpleLazyObject(lambda: principal_for_user(request.user, slug))
        return self.get_response(request)
