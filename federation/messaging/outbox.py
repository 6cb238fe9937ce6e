"""Sending: a message is written to the outbox in the sender's own transaction, and kicked on commit.

    with transaction.atomic():
        appeal.save()
        send("appeals.transfer", {...}, target=other_akimat, ordering_key=f"appeal:{appeal.number}")

The source is the schema the connection is in (stamped here, never given by the caller). If the
process dies after the commit and before the kick reaches the broker, the periodic sweep delivers
the message; if the transaction rolls back, there is no message.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from psycopg import pq

from federation.messaging import conf, endpoints, handlers
from federation.messaging.errors import FederationError, InvalidPayload, OutsideTransaction, PermanentError
from federation.messaging.kicks import kick, kick_drain_on_commit
from federation.messaging.models import DeliveredVia, Lane
from federation.messaging.urgent_aside import drain_aside
from tenants.models import Akimat

ORDERING_KEY_PATTERN = re.compile(r"^[\w.:/-]{1,200}$")


def region() -> str:
    """The regional level's schema, as a target."""
    return get_public_schema_name()


def send(
    kind: str,
    payload: Mapping[str, Any],
    *,
    target: Akimat | str,
    ordering_key: str | None = None,
    schema_version: int | None = None,
    max_attempts: int | None = None,
    checked_against: Mapping[str, Any] | None = None,
) -> uuid.UUID:
    """Queue `payload` for `target` (an Akimat or a schema name) in the current transaction.

    Messages with the same ordering_key from the same source are delivered strictly in the order
    their transactions committed. Returns the message id. Refuses (FederationError with field, code
    and message) anything the receiver could never apply. `checked_against`: the schema the caller
    has just validated this payload against; when it is the kind's own (the same object), the
    payload is not validated twice (an EIDO document costs about 10 ms, decision 90).
    """
    if not connection.in_atomic_block:
        raise OutsideTransaction(
            "federation.messaging.outbox.send() must run inside transaction.atomic() together with the "
            "change it announces; in autocommit mode the message and the change could part ways"
        )
    try:
        registration = handlers.registration_for(kind)
    except PermanentError as exc:
        raise FederationError("kind", "unknown_kind", str(exc)) from None
    version = schema_version if schema_version is not None else registration.version
    body = _as_json(payload)
    checked = (
        checked_against is not None
        and checked_against is registration.payload_schema
        and version == registration.version
    )
    try:
        if not checked:
            registration.check_payload(body, version)
    except InvalidPayload as exc:
        raise FederationError("payload", "invalid", str(exc)) from None

    source = connection.schema_name
    target_schema = _target_schema(target, source, to_self=registration.targets == handlers.TargetScope.SELF)
    try:
        registration.check_target(target_schema, get_public_schema_name(), source)
    except PermanentError as exc:
        raise FederationError("target", "not_accepted", str(exc)) from None
    if ordering_key is not None and not ORDERING_KEY_PATTERN.match(ordering_key):
        raise FederationError(
            "ordering_key",
            "invalid",
            "ordering_key must be 1-200 letters, digits or . : / _ - (e.g. 'appeal:109-000123')",
        )
    if max_attempts is not None and not 1 <= max_attempts <= 1000:
        raise FederationError("max_attempts", "invalid", "max_attempts must be between 1 and 1000")

    lane = registration.lane
    newest_key = (kind, source, target_schema, ordering_key, version)
    deferred = _deferring()
    if registration.newest_only and ordering_key is not None:
        # A newer state of the same key in the same transaction replaces the one not yet committed:
        # the receiver would keep only the newest anyway (intake's created + registered: one message).
        replaced = _replace_pending(newest_key, body)
        if replaced is not None:
            return replaced
        if deferred is not None and lane != Lane.OWN:
            return deferred.keep(newest_key, body, max_attempts, lane)  # written at the block's end
    if deferred is not None:
        deferred.write()  # first what was sent before this one: every key's order stays as sent
    return _write(uuid.uuid4(), newest_key, body, max_attempts, lane, newest_only=registration.newest_only)


def _write(
    message_id: uuid.UUID,
    newest_key: tuple,
    body: dict[str, Any],
    max_attempts: int | None,
    lane: str,
    *,
    newest_only: bool,
) -> uuid.UUID:
    kind, source, target_schema, ordering_key, version = newest_key
    _insert(
        message_id,
        kind=kind,
        version=version,
        source=source,
        target=target_schema,
        ordering_key=ordering_key,
        payload=body,
        max_attempts=max_attempts or conf.get("FEDERATION_MAX_ATTEMPTS"),
        lane=lane,
    )
    if newest_only and ordering_key is not None:
        _remember_pending(newest_key, message_id)
    # After the commit, and never failing the request (the sweep delivers what a kick could not):
    # one drain per target for the whole transaction, or the kind's own task per message.
    if lane == Lane.OWN:
        transaction.on_commit(
            lambda: kick(message_id, DeliveredVia.KICK, kind=kind, target=target_schema, lane=lane),
            robust=True,
        )
    else:
        kick_drain_on_commit(target_schema, lane, drain_aside if lane == Lane.URGENT else None)
    return message_id


# The message and its key's next sequence in one statement (intake's hot path: one round trip).
INSERT_SQL = """
WITH sequence AS (
    INSERT INTO public.federation_orderingsequence AS s (source_schema, ordering_key, last_sequence)
    SELECT %(source)s::text, %(key)s::text, 1 WHERE %(key)s::text IS NOT NULL
    ON CONFLICT (source_schema, ordering_key) DO UPDATE SET last_sequence = s.last_sequence + 1
    RETURNING last_sequence
)
INSERT INTO public.federation_message (
    id, kind, schema_version, source_schema, target_schema, ordering_key, sequence, payload, state,
    outcome, delivered_via, attempts, max_attempts, replays, last_error, created_at, next_attempt_at,
    lane, claimed_by, solo)
VALUES (
    %(id)s, %(kind)s, %(version)s, %(source)s::text, %(target)s, %(key)s::text,
    (SELECT last_sequence FROM sequence), %(payload)s::jsonb, 'pending', '', '', 0, %(max_attempts)s, 0, '',
    %(now)s, %(now)s, %(lane)s, '', false)
"""


def _insert(
    message_id: uuid.UUID, *, ordering_key: str | None, payload: dict[str, Any], **values: Any
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_SQL,
            {
                "id": message_id,
                "key": ordering_key,
                "payload": json.dumps(payload, ensure_ascii=False),
                "now": timezone.now(),
                **values,
            },
        )


# The newest-only messages this transaction has written, by (kind, source, target, key, version).
# The map holds while its marker is on the connection's on-commit list under savepoints that are all
# still open: a commit empties that list, a rollback (of the transaction or of the savepoint that
# wrote them) drops the marker, and a closed savepoint (a test's "transaction") ends it.
_PENDING_ATTR = "_federation_newest_pending"


def _current_pending() -> dict[tuple, uuid.UUID] | None:
    marker, pending = getattr(connection, _PENDING_ATTR, (None, None))
    if marker is None:
        return None
    open_savepoints = set(connection.savepoint_ids)
    for savepoints, hook, _robust in connection.run_on_commit:
        if hook is marker:
            return pending if savepoints <= open_savepoints else None
    return None


def _remember_pending(key: tuple, message_id: uuid.UUID) -> None:
    pending = _current_pending()
    if pending is None:
        marker = _Marker()
        pending = {}
        setattr(connection, _PENDING_ATTR, (marker, pending))
        transaction.on_commit(marker)
    pending[key] = message_id


def _replace_pending(key: tuple, payload: dict[str, Any]) -> uuid.UUID | None:
    pending = _current_pending()
    message_id = pending.get(key) if pending else None
    if message_id is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE public.federation_message SET payload = %s::jsonb WHERE id = %s AND state = 'pending'",
            [json.dumps(payload, ensure_ascii=False), message_id],
        )
        if cursor.rowcount == 1:
            return message_id
    return None


# States written when a block ends (`states_at_end`): what the open block keeps, by key.
_DEFERRED_ATTR = "_federation_deferred_states"


@dataclass
class _Deferred:
    level: list[str]  # the savepoints open where the block began
    kept: dict[tuple, tuple[uuid.UUID, dict[str, Any], int | None, str]]

    def keep(self, newest_key: tuple, body: dict[str, Any], max_attempts: int | None, lane: str) -> uuid.UUID:
        message_id = self.kept[newest_key][0] if newest_key in self.kept else uuid.uuid4()
        self.kept[newest_key] = (message_id, body, max_attempts, lane)
        return message_id

    def write(self) -> None:
        kept, self.kept = self.kept, {}
        for newest_key, (message_id, body, max_attempts, lane) in kept.items():
            _write(message_id, newest_key, body, max_attempts, lane, newest_only=True)

    def before_savepoints(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # What the block kept is the transaction's, not the savepoint's: written before one opens,
        # a savepoint that rolls back cannot take it along.
        if self.kept and sql.lstrip()[:9].upper() == "SAVEPOINT":
            self.write()
        return execute(sql, params, many, context)


def _deferring() -> _Deferred | None:
    """The open block, where its states are kept: not under a savepoint opened inside it, whose
    rollback must take what was sent under it (such a message is written at once)."""
    deferred = getattr(connection, _DEFERRED_ATTR, None)
    if deferred is None or deferred.level == connection.savepoint_ids:
        return deferred
    return None  # the savepoint's statement wrote what was kept (before_savepoints)


@contextlib.contextmanager
def states_at_end() -> Iterator[None]:
    """Inside a transaction: the states sent in the block (kinds registered newest_only, with an
    ordering key) are written when it ends, so a newer state of a key replaces the older in memory:
    intake's "received" then "registered" cost one INSERT, not an INSERT and an UPDATE (decision
    92). Any other message, and any savepoint, first writes what was kept, so every key's messages
    keep the order they were sent in and a savepoint rolled back takes only its own. Raising out of
    the block writes them too, unless the transaction has already failed."""
    if not connection.in_atomic_block:
        raise OutsideTransaction("states_at_end() runs inside transaction.atomic()")
    if getattr(connection, _DEFERRED_ATTR, None) is not None:
        yield  # an outer block keeps them already
        return
    deferred = _Deferred(level=list(connection.savepoint_ids), kept={})
    setattr(connection, _DEFERRED_ATTR, deferred)
    try:
        with connection.execute_wrapper(deferred.before_savepoints):
            try:
                yield
            except BaseException:
                # Usually the transaction rolls back with it; a caller that catches it and commits
                # must not lose a state of what the block changed. An aborted transaction keeps
                # nothing anyway (and would refuse the insert).
                if not connection.needs_rollback and not _aborted():
                    deferred.write()
                raise
            deferred.write()
    finally:
        setattr(connection, _DEFERRED_ATTR, None)


def _aborted() -> bool:
    return connection.connection.info.transaction_status == pq.TransactionStatus.INERROR


class _Marker:
    """A no-op on-commit hook whose presence tells that the pending map is this transaction's."""

    def __call__(self) -> None:
        setattr(connection, _PENDING_ATTR, (None, None))


def _as_json(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload exactly as the receiver will see it: plain JSON, no silent conversions."""
    if not isinstance(payload, Mapping):
        raise FederationError("payload", "invalid", "payload must be a JSON object (a mapping)")
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise FederationError("payload", "not_json", f"payload is not plain JSON: {exc}") from None
    limit = conf.get("FEDERATION_MAX_PAYLOAD_BYTES")
    if len(text.encode()) > limit:
        raise FederationError("payload", "too_large", f"payload is larger than {limit} bytes")
    return json.loads(text)


def _target_schema(target: Akimat | str, source: str, *, to_self: bool = False) -> str:
    """Check both ends against the registry: a known source, a known and active target."""
    name = target.schema_name if isinstance(target, Akimat) else target
    if not isinstance(name, str) or not name:
        raise FederationError("target", "invalid", "target must be an Akimat or a schema name")
    if name == source and not to_self:
        raise FederationError("target", "same_as_source", f"{name!r} cannot send a message to itself")
    # The relay's short-lived registry cache: a send costs no registry query (cleared on change).
    registry = endpoints.lookup([source, name])
    if source not in registry:
        raise FederationError(
            "source", "unknown_source", f"the current schema {source!r} is no registered akimat or region"
        )
    if name not in registry:
        raise FederationError("target", "unknown_target", f"no akimat or region has schema {name!r}")
    if not registry[name].is_active:
        raise FederationError("target", "inactive", f"akimat {name!r} is deactivated")
    if registry[source].is_sandbox != registry[name].is_sandbox:
        # The last line of the sandbox's isolation (decision 79): its senders skip the region and
        # refuse transfers themselves; whatever slips past them stops here, with the change.
        raise FederationError(
            "target", "sandbox_isolated", f"no message between the sandbox and {name!r}, either way"
        )
    return name
