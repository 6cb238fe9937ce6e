"""From verified token claims to a Principal, and the rule of who may act on which host.

A token's akimat membership comes from its `groups` claim (/akimats/<slug>); its roles from
`realm_access.roles`; the person's organisation from the `organisation` claim (a user attribute).
On an akimat's host the token must belong to that akimat; on the regional host it must carry a
regional role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.keycloak_realm import AKIMAT_GROUP_PREFIX, ORGANISATION_ATTRIBUTE
from accounts.principal import Principal
from accounts.roles import Role

ROLE_NAMES = {role.value for role in Role}


@dataclass(frozen=True)
class AccessRefused(Exception):
    """A valid identity that may not act here. The message (lazy, in the caller's language) is for
    APIs; the refusal page words the code in the screen's language (accounts.refusals)."""

    code: str
    message: str | Promise
    own_tenants: tuple[str, ...] = ()

    def __str__(self) -> str:
        return str(self.message)


def akimat_slugs(claims: dict[str, Any]) -> frozenset[str]:
    groups = claims.get("groups") or []
    return frozenset(
        group[len(AKIMAT_GROUP_PREFIX) :]
        for group in groups
        if isinstance(group, str)
        and group.startswith(AKIMAT_GROUP_PREFIX)
        and "/" not in group[len(AKIMAT_GROUP_PREFIX) :]
    )


def roles_in(claims: dict[str, Any]) -> frozenset[Role]:
    names = (claims.get("realm_access") or {}).get("roles") or []
    return frozenset(Role(name) for name in names if name in ROLE_NAMES)


def organisation_in(claims: dict[str, Any]) -> str | None:
    """The organisation's code, or None when the claim is missing, empty or not a string."""
    value = claims.get(ORGANISATION_ATTRIBUTE)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def is_service_account(claims: dict[str, Any]) -> bool:
    # Keycloak sets the client_id session note only for client-credentials tokens.
    return bool(claims.get("client_id")) and claims.get("client_id") == claims.get("azp")


def principal_from_claims(claims: dict[str, Any], tenant_slug: str | None) -> Principal:
    """The principal acting on `tenant_slug`'s host (None: the regional host), or AccessRefused."""
    roles = roles_in(claims)
    service = is_service_account(claims)
    username = claims["client_id"] if service else claims.get("preferred_username") or claims["sub"]
    principal = Principal(
        subject=claims["sub"],
        issuer=claims["iss"],
        username=username,
        display_name=claims.get("name") or username,
        kind="service" if service else "user",
        roles=roles,
        tenant=tenant_slug,
        organisation=organisation_in(claims),
    )
    if not roles:
        raise AccessRefused("no_role", _("No iKOMEK role is granted to this account."))
    own = tuple(sorted(akimat_slugs(claims)))
    if tenant_slug is None:
        if not principal.is_regional:
            raise AccessRefused(
                "not_regional",
                _("Only regional roles may use the regional address; use your akimat's address."),
                own,
            )
        return principal
    if tenant_slug not in own:
        if not own:  # a regional identity (the 112 centre's client, the region's staff)
            message = format_lazy(
                _("This identity belongs to no akimat: it cannot use {akimat}'s address."),
                akimat=tenant_slug,
            )
        else:
            message = format_lazy(
                _("This identity belongs to {own}, not to {akimat}."), own=", ".join(own), akimat=tenant_slug
            )
        raise AccessRefused("wrong_tenant", message, own)
    return principal
