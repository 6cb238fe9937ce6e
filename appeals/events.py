"""Writing appeal events, and the extension point for reacting to them.

`register_listener(listener)`: the listener is called synchronously as `listener(appeal, event)`
right after each event row is written, inside the same database transaction. Whatever it writes
(e.g. a federation outbox row) commits or rolls back together with the change; an exception it
raises rolls the change back. Listeners must be quick and must not commit.

`register_change_scope(scope)`: an action that writes several events in one transaction (intake
that registers at once) runs them inside `one_change()`, which enters every registered scope: the
federation outbox's writes an appeal's newest state once instead of each state in turn.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection

from accounts.permissions import MATRIX, Operation
from accounts.principal import Principal, service_principal
from appeals.models import Appeal, AppealEvent
from appeals.stored_rows import as_stored

Listener = Callable[[Appeal, AppealEvent], None]

_listeners: list[Listener] = []
_scopes: list[Callable[[], contextlib.AbstractContextManager[Any]]] = []

# The actor of automatic changes (the SLA monitor).
SYSTEM = service_principal("system:appeals", "Жүйе / Система", issuer="local", username="system")


def register_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def register_change_scope(scope: Callable[[], contextlib.AbstractContextManager[Any]]) -> None:
    if scope not in _scopes:
        _scopes.append(scope)


@contextlib.contextmanager
def one_change() -> Iterator[None]:
    """Inside the change's transaction, around the events of one change (see the module's text)."""
    with contextlib.ExitStack() as stack:
        for scope in list(_scopes):
            stack.enter_context(scope())
        yield


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
    event = AppealEvent(
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
    _insert(event)
    announce(appeal, event)
    return event


# Every change of an appeal writes one event: a statement written once (prepared where the caller
# opened `prepared_statements`, as intake does) instead of the ORM's insert compiled each time, a
# tenth of a registration's time in the web worker (decision 90). `at` is the database's now(), the
# transaction's start, as the column's default gives it.
INSERT_EVENT = (
    "INSERT INTO appeals_appealevent (appeal_id, kind, from_status, to_status, transition, "
    "actor_subject, actor_name, actor_role, comment, data) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb) RETURNING id, at"
)


def _insert(event: AppealEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_EVENT,
            [
                event.appeal_id,
                event.kind,
                event.from_status,
                event.to_status,
                event.transition,
                event.actor_subject,
                event.actor_name,
                event.actor_role,
                event.comment,
                json.dumps(event.data),
            ],
        )
        event.id, event.at = cursor.fetchone()
    as_stored(event)


def announce(appeal: Appeal, event: AppealEvent) -> None:
    """Tell the listeners about an event row written in the current transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("appeal events are announced inside the transaction of the change")
    for listener in list(_listeners):
        listener(appeal, event)
