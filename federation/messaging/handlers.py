"""The registry of message kinds: who applies a kind on the receiving side, and what its payload is.

Apps register their kinds from AppConfig.ready() (or a module imported there), so every process
(web, worker, commands) knows the same kinds. A kind is `<app>.<name>`, e.g. `appeals.transfer`.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from federation.messaging.errors import InvalidPayload, PermanentError, UnknownKind
from federation.messaging.models import Lane

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


class TargetScope(StrEnum):
    ANY = "any"
    REGION = "region"  # only the public schema (regional read model, escalations, 112 centre)
    TENANT = "tenant"  # only an akimat's schema
    # Only the sender's own schema: the handler delivers outside iKOMEK (e.g. to a 112 centre's
    # CAD), so outgoing calls get the outbox's retries, ordering, dead letters and replay.
    SELF = "self"


@dataclass(frozen=True)
class Envelope:
    """What a handler receives: the message as sent, plus which delivery attempt this is."""

    message_id: uuid.UUID
    kind: str
    schema_version: int
    source_schema: str
    target_schema: str
    ordering_key: str | None
    sequence: int | None
    payload: dict[str, Any]
    attempt: int
    created_at: datetime


Handler = Callable[[Envelope], None]
# Applies many messages of one kind from one source at once, with the effect of the handler applied to
# each in turn (in sequence order within a key). The relay uses it for a batch's fresh messages.
BatchHandler = Callable[[list[Envelope]], None]

# The Celery task that delivers a kind unless its registration names another. A kind whose handler
# calls outside iKOMEK (a CAD) names a task of its own, which settings route to a queue of its own,
# so slow far ends never hold the workers of every other delivery.
DEFAULT_DELIVERY_TASK = "federation.deliver"


@dataclass(frozen=True)
class Registration:
    kind: str
    handler: Handler
    version: int  # the schema version this code sends
    accepts: frozenset[int]  # the versions the handler can apply
    targets: TargetScope
    payload_schema: Mapping[str, Any] | None = None
    delivery_task: str = DEFAULT_DELIVERY_TASK
    # Delivered ahead of every other kind: a lane, a task and a queue of its own (112 traffic).
    urgent: bool = False
    # Only the newest message of a key matters (whole state, no trace of each step): when newer ones
    # of its key are already waiting, the relay delivers the newest and marks the rest superseded.
    newest_only: bool = False
    batch_handler: BatchHandler | None = None
    _validator: Draft202012Validator | None = field(default=None, compare=False, repr=False)
    # The same schema compiled to Python (several times faster): it answers for valid payloads;
    # whatever it refuses is judged again by jsonschema, the authority and the source of the message.
    _compiled: Callable[[Any], Any] | None = field(default=None, compare=False, repr=False)
    # A kind's own fast check (True: valid), as the compiled one answers for valid payloads only.
    _accepts: Callable[[Any], bool] | None = field(default=None, compare=False, repr=False)

    @property
    def lane(self) -> Lane:
        """`own` when a task of its own delivers it one by one, else `urgent` or `default` (batches)."""
        if self.delivery_task != DEFAULT_DELIVERY_TASK:
            return Lane.OWN
        return Lane.URGENT if self.urgent else Lane.DEFAULT

    def check_payload(self, payload: Mapping[str, Any], version: int) -> None:
        """Raise InvalidPayload naming the first problem (path and reason)."""
        if version not in self.accepts:
            raise InvalidPayload(
                f"{self.kind}: schema version {version} is not accepted (accepted: {sorted(self.accepts)})"
            )
        if self._validator is None or version != self.version:
            return
        if self._accepts is not None and self._accepts(payload):
            return
        if self._compiled is not None:
            try:
                self._compiled(payload)
                return
            except fastjsonschema.JsonSchemaException:
                pass
        error = best_match(self._validator.iter_errors(payload))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            raise InvalidPayload(f"{self.kind}: payload at {where}: {error.message}")

    def check_target(self, target_schema: str, public_schema: str, source_schema: str) -> None:
        if self.targets == TargetScope.SELF and target_schema != source_schema:
            raise PermanentError(f"{self.kind} is applied only by its sender, not by {target_schema!r}")
        if self.targets != TargetScope.SELF and target_schema == source_schema:
            raise PermanentError(f"{target_schema!r} cannot send {self.kind} to itself")
        if self.targets == TargetScope.REGION and target_schema != public_schema:
            raise PermanentError(f"{self.kind} is accepted only by the region, not by {target_schema!r}")
        if self.targets == TargetScope.TENANT and target_schema == public_schema:
            raise PermanentError(f"{self.kind} is accepted only by an akimat, not by the region")


# Keywords that mean the same in draft 7 (fastjsonschema) as in 2020-12 (jsonschema): a schema with
# any other is left to jsonschema alone, so the fast path can never accept what jsonschema refuses.
SAME_IN_BOTH_DRAFTS = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum",
        "const", "pattern", "format", "uniqueItems", "title", "description",
    }
)  # fmt: skip


def _same_in_both(schema: object) -> bool:
    if not isinstance(schema, Mapping):
        return isinstance(schema, bool)
    for keyword, value in schema.items():
        if keyword not in SAME_IN_BOTH_DRAFTS:
            return False
        if keyword == "properties" and not all(_same_in_both(sub) for sub in value.values()):
            return False
        if keyword in ("items", "additionalProperties") and not _same_in_both(value):
            return False
    return True


def _compile(payload_schema: Mapping[str, Any]) -> Callable[[Any], Any] | None:
    """fastjsonschema's code for the schema, or None where it cannot compile it (jsonschema alone).
    Formats are only annotations for jsonschema here, so they are not checked in the fast path either."""
    if not _same_in_both(payload_schema):
        return None
    try:
        return fastjsonschema.compile(dict(payload_schema), formats={"date-time": lambda _value: True})
    except fastjsonschema.JsonSchemaDefinitionException:
        return None


_lock = threading.Lock()
_registry: dict[str, Registration] = {}


def register(
    kind: str,
    handler: Handler,
    *,
    version: int = 1,
    accepts: Iterable[int] | None = None,
    payload_schema: Mapping[str, Any] | None = None,
    targets: TargetScope = TargetScope.ANY,
    delivery_task: str = DEFAULT_DELIVERY_TASK,
    urgent: bool = False,
    newest_only: bool = False,
    batch_handler: BatchHandler | None = None,
    payload_validator: Draft202012Validator | None = None,
    payload_accepts: Callable[[Any], bool] | None = None,
) -> Registration:
    """Register the receiving handler of `kind`. Registering the same handler again is a no-op.

    `payload_validator`: the kind's own validator of `payload_schema` (formats checked, say), used
    instead of a plain one, so that the relay's check is the kind's and its handler need not
    validate again; `payload_accepts`: its fast check (True for a valid payload; what it refuses
    the validator judges)."""
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"kind {kind!r} must look like '<app>.<name>' (lowercase, digits, underscores)")
    accepted = frozenset(accepts) if accepts is not None else frozenset({version})
    if version not in accepted:
        raise ValueError(f"{kind}: the version sent ({version}) must be among the accepted ones")
    if payload_accepts is not None and payload_validator is None:
        # A fast check answers for the validator it was made beside; it cannot vouch for another.
        raise ValueError(f"{kind}: a payload fast check needs the payload validator it matches")
    validator = compiled = None
    if payload_validator is not None:
        if payload_validator.schema is not payload_schema:
            raise ValueError(f"{kind}: the payload validator must validate the payload schema given")
        validator = payload_validator  # the kind's own, stricter than a compiled draft 7 check
    elif payload_schema is not None:
        Draft202012Validator.check_schema(payload_schema)
        validator = Draft202012Validator(payload_schema)
        compiled = _compile(payload_schema)
    registration = Registration(
        kind=kind,
        handler=handler,
        version=version,
        accepts=accepted,
        targets=TargetScope(targets),
        payload_schema=payload_schema,
        delivery_task=delivery_task,
        urgent=urgent,
        newest_only=newest_only,
        batch_handler=batch_handler,
        _validator=validator,
        _compiled=compiled,
        _accepts=payload_accepts,
    )
    with _lock:
        existing = _registry.get(kind)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"kind {kind!r} is already handled by {existing.handler!r}")
        _registry[kind] = registration
    return registration


def registration_for(kind: str) -> Registration:
    try:
        return _registry[kind]
    except KeyError:
        raise UnknownKind(f"no handler is registered for kind {kind!r} in this process") from None


def delivery_task_for(kind: str) -> str:
    """The Celery task that delivers `kind` (the default one for a kind this process does not know)."""
    registration = _registry.get(kind)
    return registration.delivery_task if registration is not None else DEFAULT_DELIVERY_TASK


def registered_kinds() -> list[str]:
    return sorted(_registry)
