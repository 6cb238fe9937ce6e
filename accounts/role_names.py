"""What each realm role is called on a screen (gettext: one language per screen)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

ROLE_NAMES: dict[Role, Promise] = {
    Role.OPERATOR: _("109 operator"),
    Role.EXECUTOR: _("Responsible organisation"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.ANALYST: _("Analyst"),
    Role.LAWYER: _("Lawyer"),
    Role.AKIM: _("Akim"),
    Role.REGIONAL_VIEWER: _("Regional leadership"),
    Role.REGIONAL_ADMIN: _("Regional administrator"),
    Role.DISPATCHER_112: _("112 dispatcher"),
    Role.INTEGRATOR: _("Integrator"),
    Role.PLATFORM_ADMIN: _("Platform administrator"),
}


def role_names(roles: Iterable[Role]) -> list[str]:
    """The roles' names in the active language, in the order of the list above (stable on every page)."""
    held = set(roles)
    return [str(name) for role, name in ROLE_NAMES.items() if role in held]
