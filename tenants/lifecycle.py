"""Extension points of a tenant's life: apps register what onboarding and deactivation must do.

`tenants` imports no domain app; an app adds its step (catalogues, Keycloak group, ...) from its
AppConfig.ready(). Every step must be idempotent: onboarding may run again on the same tenant.
An initializer whose work lies outside the database (Keycloak) also names an `undo`: when the
onboarding of a new akimat fails, the database rolls back and the undo steps remove the rest.
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
_undoers: dict[str, TenantStep] = {}
_restorers: dict[str, TenantStep] = {}


def register_initializer(name: str, step: TenantStep, *, undo: TenantStep | None = None) -> None:
    _initializers[name] = step
    if undo is not None:
        _undoers[name] = undo
    else:
        _undoers.pop(name, None)


def register_deactivator(name: str, step: TenantStep) -> None:
    _deactivators[name] = step


def register_activator(name: str, step: TenantStep) -> None:
    """Undo a deactivator's work when an akimat is switched on again."""
    _activators[name] = step


def register_restorer(name: str, step: TenantStep) -> None:
    """Redo, after an akimat's schema was restored from a backup, the work its onboarding did outside
    the database (Keycloak): the restore may land in a deployment that never onboarded it. Runs in
    public; must be idempotent. Database initializers are not re-run: they would alter restored data."""
    _restorers[name] = step


def unregister(name: str) -> None:
    _initializers.pop(name, None)
    _deactivators.pop(name, None)
    _activators.pop(name, None)
    _undoers.pop(name, None)
    _restorers.pop(name, None)


def initializers() -> list[tuple[str, TenantStep]]:
    return list(_initializers.items())


def deactivators() -> list[tuple[str, TenantStep]]:
    return list(_deactivators.items())


def activators() -> list[tuple[str, TenantStep]]:
    return list(_activators.items())


def restorers() -> list[tuple[str, TenantStep]]:
    return list(_restorers.items())


def undoer(name: str) -> TenantStep | None:
    """What removes an initializer's work outside the database from a new akimat that failed."""
    return _undoers.get(name)
