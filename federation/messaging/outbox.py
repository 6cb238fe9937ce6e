"""Sending: a message is written to the outbox in the sender's own transaction, and kicked on commit.

    with transaction.atomic():
        appeal.save()
        send("appeals.transfer", {...}, target=other_akimat, ordering_key=f"appeal:{appeal.number}")

The source is the schema the connection is in (stamped here, never given by the caller). If the
process dies after the commit and before the kick reaches the broker, the periodic sweep delivers
the message; if the transaction rolls back, there is no message.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from federation.messaging import conf, endpoints, handlers
from federation.messaging.errors import FederationError, InvalidPayload, OutsideTransaction, PermanentError
from federation.messaging.kicks import kick, kick_drain_on_commit
from federation.messaging.models import DeliveredVia, Lane, Message
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
) -> uuid.UUID:
    """Queue `payload` for `target` (an Akimat or a schema name) in the current transaction.

    Messages with the same ordering_key from the same source are delivered strictly in the order
    their transactions committed. Returns the message id. Refuses (FederationError with field, code
    and message) anything the receiver could never apply.
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
    try:
        registration.check_payload(body, version)
    except InvalidPayload as exc:
        raise FederationError("payload", "invalid", str(exc)) from None

    source = connection.schema_name
    target_schema = _target_schema(target, source, to_self=registration.targets == handlers.TargetScope.SELF)
    try:
        registration.check_target(target_schema, get_public_schema_name(), source)
    except PermanentError as exc:
        raise FederationError("target", "not_accepted", str(exc)) from None
    if max_attempts is not None and not 1 <= max_attempts <= 1000:
        raise FederationError("max_attempts", "invalid", "max_attempts must be between 1 and 1000")

    sequence = None
    if ordering_key is not None:
        if not ORDERING_KEY_PATTERN.match(ordering_key):
            raise FederationError(
                "ordering_key",
                "invalid",
                "ordering_key must be 1-200 letters, digits or . : / _ - (e.g. 'appeal:109-000123')",
            )
        sequence = _next_sequence(source, ordering_key)

    now = timezone.now()
    lane = registration.lane
    message = Message.objects.create(
        kind=kind,
        schema_version=version,
        source_schema=source,
        target_schema=target_schema,
        ordering_key=ordering_key,
        sequence=sequence,
        payload=body,
        max_attempts=max_attempts or conf.get("FEDERATION_MAX_ATTEMPTS"),
        created_at=now,
        next_attempt_at=now,
        lane=lane,
    )
    # After the commit, and never failing the request (the sweep delivers what a kick could not):
    # one drain per target for the whole transaction, or the kind's own task per message.
    if lane == Lane.OWN:
        transaction.on_commit(
            lambda: kick(message.id, DeliveredVia.KICK, kind=kind, target=target_schema, lane=lane),
            robust=True,
        )
    else:
        kick_drain_on_commit(target_schema, lane)
    return message.id


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
    return name


def _next_sequence(source: str, ordering_key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO public.federation_orderingsequence (source_schema, ordering_key, last_sequence) "
            "VALUES (%s, %s, 1) ON CONFLICT (source_schema, ordering_key) "
            "DO UPDATE SET last_sequence = federation_orderingsequence.last_sequence + 1 "
            "RETURNING last_sequence",
            [source, ordering_key],
        )
        return cursor.fetchone()[0]
