"""Who is calling: a person or a machine client, with the tenant they belong to, their roles and
the responsible organisation they work for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Literal

from accounts.roles import REGIONAL_ROLES, Role

# "citizen": a citizen on the akimat's site, never signed in (appeals.portal); it holds no role.
PrincipalKind = Literal["user", "service", "anonymous", "citizen"]


@dataclass(frozen=True)
class Principal:
    subject: str  # Keycloak `sub`, or "local:<username>" for the development identity
    issuer: str  # Keycloak issuer URL, or "local"
    username: str
    display_name: str
    kind: PrincipalKind
    roles: frozenset[Role] = field(default_factory=frozenset)
    tenant: str | None = None  # slug of the akimat the principal belongs to; None for regional staff
    # Code of the responsible organisation (utility, department) in the akimat's catalogue the person
    # works for; executors act on its appeals only. None: no organisation named.
    organisation: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    @property
    def is_regional(self) -> bool:
        return bool(self.roles & REGIONAL_ROLES)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


ANONYMOUS = Principal(subject="anonymous", issuer="", username="", display_name="", kind="anonymous")


def service_principal(
    subject: str,
    display_name: str,
    *,
    issuer: str = "ikomek",
    username: str | None = None,
    roles: frozenset[Role] | set[Role] = frozenset(),
    kind: PrincipalKind = "service",
) -> Principal:
    """A machine or another party acting here (the platform, 112, another akimat, manage.py): the one
    way such identities are made, so they all look alike in histories and permission checks."""
    return Principal(
        subject=subject,
        issuer=issuer,
        username=username if username is not None else subject,
        display_name=display_name,
        kind=kind,
        roles=frozenset(roles),
    )


def with_roles(principal: Principal, extra: Iterable[Role]) -> Principal:
    """The same principal with more roles. Works on a request's lazy principal too, which
    dataclasses.replace refuses (it is a proxy, not the dataclass)."""
    values = {f.name: getattr(principal, f.name) for f in fields(Principal)}
    return Principal(**(values | {"roles": principal.roles | frozenset(extra)}))
