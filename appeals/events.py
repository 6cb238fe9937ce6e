"""Writing appeal events, and the extension point for reacting to them.

`register_listener(listener)`: the listener is called synchronously as `listener(appeal, event)`
right after each event row is written, inside the same database transaction. Whatever it writes
(e.g. a federation outbox row) commits or rolls back together with the change; an exception it
raises rolls the change back. Listeners must be quick and must not commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection

from accounts.permissions import MATRIX, Operation
from accounts.principal import Principal, service_principal
from appeals.models import Appeal, AppealEvent

Listener = Callable[[Appeal, AppealEvent], None]

_listeners: list[Listener] = []

# The actor of automatic changes (the SLA monitor).
SYSTEM = service_principal("system:appeals", "Жүйе / Система", issuer="local", username="system")


def register_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def is_system(principal: Principal) -> bool:
    """The platform's own automatic changes (allowed everything an action checks)."""
    return principal.kind == "service" and principal.subject == SYSTEM.subject


def acting_role(principal: Principal, operation: Operation | None) -> str:
    """The role under which the principal acts: the first of its roles that allows the operation."""
    if is_system(principal):
        return "system"
    for role in sorted(principal.roles):
        if operation is None or operation in MATRIX.get(role, frozenset()):
            return role.value
    return principal.kind


def record_event(
    appeal: Appeal,
    kind: str,
    actor: Principal,
    *,
    operation: Operation | None = None,
    from_status: str = "",
    to_status: str = "",
    transition: str = "",
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    """Append one event and tell the listeners; must run inside the change's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("appeal events are written inside the transaction of the change")
    event = AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        transition=transition,
        actor_subject=actor.subject,
        actor_name=actor.display_name or actor.username,
        actor_role=acting_role(actor, operation),
        comment=comment,
        data=data or {},
    )
    announce(appeal, event)
    return event


def announce(appeal: Appeal, event: AppealEvent) -> None:
    """Tell the listeners about an event row written in the current transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("appeal events are announced inside the transaction of the change")
    for listener in list(_listeners):
        listener(appeal, event)
