"""The realm roles of the region's Keycloak realm (platform/keycloak/ikomek-realm.json)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"  # 109 operator: intake, classify, route, call back
    EXECUTOR = "executor"  # responsible organisation: reports done / not done
    SUPERVISOR = "supervisor"  # shift supervisor of the 109 line
    ANALYST = "analyst"
    LAWYER = "lawyer"  # violations register, administrative action
    AKIM = "akim"  # head of the akimat
    REGIONAL_VIEWER = "regional_viewer"
    REGIONAL_ADMIN = "regional_admin"
    DISPATCHER_112 = "dispatcher_112"
    INTEGRATOR = "integrator"  # machine client bound to one tenant
    PLATFORM_ADMIN = "platform_admin"


# Roles that act on the regional level (public schema) rather than inside one akimat.
REGIONAL_ROLES = frozenset(
    {Role.REGIONAL_VIEWER, Role.REGIONAL_ADMIN, Role.DISPATCHER_112, Role.PLATFORM_ADMIN}
)
