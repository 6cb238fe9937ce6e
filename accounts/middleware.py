"""Attaches `request.principal` to every request.

This first slice maps a Django session user (groups named after realm roles) to a Principal;
the Keycloak bearer-token and OIDC paths are added by the identity issue.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from accounts.principal import ANONYMOUS, Principal
from accounts.roles import Role

ROLE_NAMES = {role.value for role in Role}


def principal_for_user(user: object, tenant_slug: str | None) -> Principal:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    roles = frozenset(Role(name) for name in user.groups.values_list("name", flat=True) if name in ROLE_NAMES)
    return Principal(
        subject=f"local:{user.get_username()}",
        issuer="local",
        username=user.get_username(),
        display_name=user.get_full_name() or user.get_username(),
        kind="user",
        roles=roles,
        tenant=tenant_slug,
    )


class PrincipalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        slug = None if tenant is None or tenant.schema_name == "public" else tenant.slug
        # Lazy: most requests (health checks, public tracking) never look at it.
        request.principal = SimpleLazyObject(lambda: principal_for_user(request.user, slug))
        return self.get_response(request)
