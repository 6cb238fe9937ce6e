"""Django admin access decided by the permission matrix, not by Django's per-model permissions.

Each app names the operation that opens its models in the admin; a user may view and change them
when one of their roles allows that operation. Apps add themselves with `register_admin_app` from
their AppConfig.ready().
"""

from __future__ import annotations

from accounts.permissions import Operation, can
from accounts.principal import Principal

_app_operations: dict[str, Operation] = {
    "tenants": Operation.TENANT_ADMIN,
    # Identities live in Keycloak; the copies here are for reading who did what.
    "auth": Operation.TENANT_ADMIN,
    "accounts": Operation.TENANT_ADMIN,
}


def register_admin_app(app_label: str, operation: Operation) -> None:
    _app_operations[app_label] = operation


def admin_operation(app_label: str) -> Operation | None:
    return _app_operations.get(app_label)


def may_use_admin(principal: Principal) -> bool:
    """Whether the admin site opens at all (Django's is_staff)."""
    return any(can(principal, operation) for operation in set(_app_operations.values()))


def may_admin_app(principal: Principal, app_label: str) -> bool:
    operation = admin_operation(app_label)
    return operation is not None and can(principal, operation)
