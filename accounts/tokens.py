"""Verification of Keycloak-issued JWTs: RS256 only, the realm's keys, our issuer and audience.

The realm's JWKS is cached in process memory (PyJWKClient) and fetched again when a token names a
key id the cache does not know, so a key rotated in Keycloak is picked up without a restart; a
cooldown keeps a stream of tokens with made-up key ids from hammering Keycloak.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from functools import cache
from typing import Any

import jwt
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import keycloak_realm

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
# Keycloak's `typ` claim: access tokens are "Bearer", ID tokens "ID", refresh tokens "Refresh".
TOKEN_TYPE_NAMES = {
    "Bearer": _("The token is not an access token."),
    "ID": _("The token is not an ID token."),
}


# Access tokens whose signature this process has checked, kept until they expire (the oldest used
# dropped first): about a megabyte at this size.
VERIFIED_TOKENS = 1024


class TokenRefused(Exception):
    """A token the platform will not accept; `code` is stable, `message` is safe to show (lazy:
    rendered in the caller's language)."""

    def __init__(self, code: str, message: str | Promise, status: int = 401) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class ResilientJWKClient(jwt.PyJWKClient):
    """PyJWKClient that keeps serving the last key set it fetched while Keycloak cannot be reached.

    Without this, once the cached set expires every bearer request waits the full timeout for a
    hung Keycloak and is refused. Here a failed fetch starts an outage cooldown: until it ends no
    request goes to Keycloak, and the last good set is used (keys rotate rarely, and a new key is
    looked up again once Keycloak answers). Unknown key ids cost nothing during the cooldown.
    """

    def __init__(self, *args: Any, outage_cooldown_seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outage_cooldown = outage_cooldown_seconds
        self._last_good: dict[str, Any] | None = None
        self._quiet_until = 0.0

    @property
    def keycloak_unavailable(self) -> bool:
        return time.monotonic() < self._quiet_until

    def fetch_data(self) -> Any:
        if self.keycloak_unavailable and self._last_good is not None:
            return self._last_good
        try:
            data = super().fetch_data()
        except jwt.PyJWKClientConnectionError:
            self._quiet_until = time.monotonic() + self.outage_cooldown
            if self._last_good is None:
                raise
            logger.warning("keycloak: key set unavailable; serving the last one fetched", exc_info=True)
            return self._last_good
        self._last_good = data
        self._quiet_until = 0.0
        return data


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        leeway_seconds: float,
        jwks_lifespan_seconds: float,
        refresh_cooldown_seconds: float,
        timeout_seconds: float,
        outage_cooldown_seconds: float = 15.0,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()  # token -> claims, newest last
        self._lock = threading.Lock()
        self.jwks = ResilientJWKClient(
            f"{issuer}/protocol/openid-connect/certs",
            cache_jwk_set=True,
            lifespan=jwks_lifespan_seconds,
            cooldown_duration=refresh_cooldown_seconds,
            timeout=timeout_seconds,
            outage_cooldown_seconds=outage_cooldown_seconds,
        )

    def access_token(self, token: str) -> dict[str, Any]:
        """Claims of an access token meant for our API, or TokenRefused saying what is wrong.

        An integrator sends the same token for minutes: its signature is checked once per process
        (the RSA check and decoding were 7% of an intake request) and its expiry on every use. What
        Keycloak says of the account now is asked on every request all the same (`claims_now`)."""
        with self._lock:
            claims = self._verified.get(token)
            if claims is not None:
                self._verified.move_to_end(token)
        if claims is not None:
            if claims["exp"] + self.leeway < time.time():
                with self._lock:
                    self._verified.pop(token, None)
                raise TokenRefused("expired", _("The token has expired."))
            return claims
        claims = self._verify(token, audience=self.audience, token_type="Bearer")  # noqa: S106
        with self._lock:
            self._verified[token] = claims
            while len(self._verified) > VERIFIED_TOKENS:
                self._verified.popitem(last=False)
        return claims

    def id_token(self, token: str, *, client_id: str, nonce: str | None) -> dict[str, Any]:
        """Claims of an OpenID Connect ID token issued to our web client for this login."""
        claims = self._verify(token, audience=client_id, token_type="ID")  # noqa: S106
        if nonce is not None and claims.get("nonce") != nonce:
            raise TokenRefused("wrong_nonce", _("The ID token does not belong to this login attempt."))
        return claims

    def _signing_key(self, token: str) -> Any:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise TokenRefused("malformed", _("The token is not a well-formed JWT.")) from None
        if header.get("alg") != ALGORITHM:
            raise TokenRefused(
                "unsupported_algorithm",
                format_lazy(_("The token must be signed with {algorithm}."), algorithm=ALGORITHM),
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise TokenRefused("malformed", _("The token header names no key id (kid)."))
        try:
            return self.jwks.get_signing_key(kid).key
        except jwt.PyJWKClientConnectionError:
            raise TokenRefused(
                "provider_unavailable", _("The identity provider cannot be reached; try again shortly."), 503
            ) from None
        except jwt.PyJWKClientError:
            raise TokenRefused(
                "unknown_key", _("The token is signed by a key this platform does not know.")
            ) from None

    def _verify(self, token: str, *, audience: str, token_type: str) -> dict[str, Any]:
        key = self._signing_key(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidSignatureError:
            raise TokenRefused("bad_signature", _("The token signature is invalid.")) from None
        except jwt.ExpiredSignatureError:
            raise TokenRefused("expired", _("The token has expired.")) from None
        except jwt.ImmatureSignatureError:
            raise TokenRefused("not_yet_valid", _("The token is not valid yet.")) from None
        except jwt.InvalidAudienceError:
            raise TokenRefused(
                "wrong_audience",
                format_lazy(
                    _("The token is not meant for this API (its audience must include {audience})."),
                    audience=audience,
                ),
            ) from None
        except jwt.InvalidIssuerError:
            raise TokenRefused(
                "wrong_issuer", _("The token was not issued by this platform's identity provider.")
            ) from None
        except jwt.MissingRequiredClaimError as error:
            raise TokenRefused(
                "missing_claim", format_lazy(_("The token lacks the claim {claim}."), claim=error.claim)
            ) from None
        except jwt.InvalidTokenError:
            raise TokenRefused("malformed", _("The token is not a well-formed JWT.")) from None
        if claims.get("typ") != token_type:
            raise TokenRefused("wrong_token_type", TOKEN_TYPE_NAMES[token_type])
        return claims


@cache
def verifier() -> TokenVerifier:
    return TokenVerifier(
        issuer=keycloak_realm.issuer(),
        audience=settings.KEYCLOAK_API_AUDIENCE,
        leeway_seconds=settings.KEYCLOAK_TOKEN_LEEWAY_SECONDS,
        jwks_lifespan_seconds=settings.KEYCLOAK_JWKS_LIFESPAN_SECONDS,
        refresh_cooldown_seconds=settings.KEYCLOAK_JWKS_REFRESH_COOLDOWN_SECONDS,
        timeout_seconds=settings.KEYCLOAK_TIMEOUT_SECONDS,
        outage_cooldown_seconds=settings.KEYCLOAK_OUTAGE_COOLDOWN_SECONDS,
    )


@receiver(setting_changed)
def _forget_on_settings_change(setting: str, **_kwargs: object) -> None:
    if setting.startswith("KEYCLOAK_"):
        verifier.cache_clear()
