"""Extension points of a tenant's life: apps register what onboarding and deactivation must do.

`tenants` imports no domain app; an app adds its step (catalogues, Keycloak group, ...) from its
AppConfig.ready(). Every step must be idempotent: onboarding may run again on the same tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenants.models import Akimat

# A step receives the tenant; it runs with the tenant's schema active (initializers) or in
# public (deactivators, activators) and returns a short description of what it changed, or None.
TenantStep = Callable[["Akimat"], "str | None"]

_initializers: dict[str, TenantStep] = {}
_deactivators: dict[str, TenantStep] = {}
_activators: dict[str, TenantStep] = {}


def register_initializer(name: str, step: TenantStep) -> None:
    _initializers[name] = step


def register_deactivator(name: str, step: TenantStep) -> None:
    _deactivators[name] = step


def register_activator(name: str, step: TenantStep) -> None:
    """Undo a deactivator's work when an akimat is switched on again."""
    _activators[name] = step


def unregister(name: str) -> None:
    _initializers.pop(name, None)
    _deactivators.pop(name, None)
    _activators.pop(name, None)


def initializers() -> list[tuple[str, TenantStep]]:
    return list(_initializers.items())


def deactivators() -> list[tuple[str, TenantStep]]:
    return list(_deactivators.items())


def activators() -> list[tuple[str, TenantStep]]:
    return list(_activators.items())
