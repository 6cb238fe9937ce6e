"""Delivering one outbox message: claim it, apply it in the target schema with its receipt, acknowledge.

The relay's workers deliver in batches (`drains.py`); this is the path for one message: a kind with a
delivery task of its own (CAD documents), a message a dead single deliverer left behind, the
commands and the tests. Three short transactions, all in the public schema except the handler's:
1. claim: count the attempt and mark the message `delivering` (committed, so a crash counts);
2. apply: switch to the target schema, write the inbox receipt, run the handler, mark the outbox
   row `delivered` — one transaction, so the effect and the acknowledgement commit together (a
   kind whose handler calls outside iKOMEK, `TargetScope.SELF`, is called just before it instead);
3. on failure: `retrying` with a backoff, or `dead` (permanent error, or attempts used up).

A session-level advisory lock on the message id is held from before the claim to after the last
step, and the row names that key (`claimed_by`; a drain names its own). Whoever holds the lock
named by a `delivering` row is its one live deliverer; when that lock is free, the process that
claimed it died (SIGKILL, lost connection: PostgreSQL releases the lock with the session), so the
next deliverer or the sweep takes it over and counts the lost attempt.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from federation.messaging import endpoints
from federation.messaging.backoff import retry_delay
from federation.messaging.errors import PermanentError, UnknownSource, UnknownTarget
from federation.messaging.handlers import Envelope, Handler, Registration, TargetScope, registration_for
from federation.messaging.inbox.receive import receive, settled
from federation.messaging.models import (
    OPEN_STATES,
    DeliveredVia,
    EventKind,
    Message,
    MessageEvent,
    MessageState,
    Outcome,
)
from tenants.models import Akimat

logger = logging.getLogger(__name__)

ERROR_LIMIT = 2000


class Result(StrEnum):
    DELIVERED = "delivered"  # acknowledged: applied, or recognised as duplicate / stale
    RETRY_SCHEDULED = "retry_scheduled"
    DEAD = "dead"
    BUSY = "busy"  # another live process is delivering it
    WAITING = "waiting"  # an earlier message of its ordering key is still open
    NOT_DUE = "not_due"
    DONE_ALREADY = "done_already"  # delivered or dead before this call
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Report:
    message_id: uuid.UUID
    result: Result
    outcome: Outcome | None = None
    retry_in: float | None = None
    error: str = ""


def deliver(message_id: uuid.UUID | str, *, via: DeliveredVia = DeliveredVia.DIRECT) -> Report:
    """Try to deliver one message now. Safe to call any number of times, from any process."""
    if connection.in_atomic_block:
        raise RuntimeError("deliver() commits its own transactions; call it outside transaction.atomic()")
    message_id = uuid.UUID(str(message_id))
    connection.set_schema_to_public()
    report = _deliver_once(message_id, via)
    if report.result == Result.WAITING and not _open_predecessor_exists(message_id):
        # The predecessor closed while we held the lock, and its kick for us found us busy.
        report = _deliver_once(message_id, via)
    return report


def deliver_in_order(message_id: uuid.UUID | str, *, via: DeliveredVia, limit: int = 100) -> list[Report]:
    """Deliver a message, then the next ones of its ordering key that were waiting for it."""
    reports = [deliver(message_id, via=via)]
    while len(reports) < limit and reports[-1].result in (Result.DELIVERED, Result.DEAD):
        successor = next_waiting(reports[-1].message_id)
        if successor is None:
            break
        reports.append(deliver(successor, via=DeliveredVia.SUCCESSOR))
    return reports


def next_waiting(message_id: uuid.UUID) -> uuid.UUID | None:
    """The open message of the same ordering key with the next sequence, if any."""
    message = (
        Message.objects.filter(pk=message_id, ordering_key__isnull=False)
        .only("source_schema", "ordering_key", "sequence")
        .first()
    )
    if message is None:
        return None
    return (
        Message.objects.filter(
            source_schema=message.source_schema,
            ordering_key=message.ordering_key,
            sequence__gt=message.sequence,
            state__in=(MessageState.PENDING, MessageState.RETRYING),
        )
        .order_by("sequence")
        .values_list("id", flat=True)
        .first()
    )


# ------------------------------------------------------------------ steps


def _deliver_once(message_id: uuid.UUID, via: DeliveredVia) -> Report:
    with _delivery_lock(message_id) as locked:
        if not locked:
            return Report(message_id, Result.BUSY)
        claimed = _claim(message_id)
        if isinstance(claimed, Report):
            return claimed
        return apply_claimed(claimed, via)


@contextmanager
def _delivery_lock(message_id: uuid.UUID) -> Iterator[bool]:
    with deliverer_lock(str(message_id)) as locked:
        yield locked


@contextmanager
def deliverer_lock(key: str) -> Iterator[bool]:
    """Try the session-level advisory lock that marks the live deliverer of `key` (a message id, or
    a drain's "drain:<lane>:<target>"); yields whether it is ours, releases it after."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])
            except DatabaseError:
                # The session is gone, and its locks with it.
                logger.warning("federation: could not release delivery lock", extra={"key": key})


def deliverer_gone(key: str) -> bool:
    """Whether nobody holds the lock of `key` (checked by taking and releasing it)."""
    with deliverer_lock(key) as locked:
        return locked


# One autocommitted statement: count the attempt and mark the row delivering, if it is due and no
# earlier message of its ordering key is still open. Committed at once, so a crash counts.
CLAIM_SQL = """
UPDATE public.federation_message AS m
   SET state = 'delivering', attempts = m.attempts + 1, last_attempt_at = now(), claimed_by = m.id::text
 WHERE m.id = %s
   AND m.state IN ('pending', 'retrying')
   AND m.next_attempt_at <= now()
   AND (m.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM public.federation_message AS p
         WHERE p.source_schema = m.source_schema AND p.ordering_key = m.ordering_key
           AND p.sequence < m.sequence AND p.state IN ('pending', 'delivering', 'retrying')))
RETURNING m.*
"""


def _claim(message_id: uuid.UUID) -> Message | Report:
    claimed = list(Message.objects.raw(CLAIM_SQL, [message_id]))
    if claimed:
        return claimed[0]
    return _claim_or_explain(message_id)


def _claim_or_explain(message_id: uuid.UUID) -> Message | Report:
    """The rare path: say why the message cannot be delivered now, or take over an orphan."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return Report(message_id, Result.NOT_FOUND)
        if message.state in (MessageState.DELIVERED, MessageState.DEAD):
            return Report(message_id, Result.DONE_ALREADY)
        now = timezone.now()
        if message.state == MessageState.DELIVERING:
            # We hold the message's own lock; a drain that claimed it holds its own key's.
            claimer = message.claimed_by or str(message.pk)
            if claimer != str(message.pk) and not deliverer_gone(claimer):
                return Report(message_id, Result.BUSY)
            # The process that claimed it is gone.
            return record_failure(
                message,
                f"attempt {message.attempts} was interrupted: the delivering process stopped "
                "(killed, or lost its database connection)",
                permanent=False,
                event=EventKind.WORKER_LOST,
            )
        if message.next_attempt_at > now:
            return Report(message_id, Result.NOT_DUE)
        if message.ordering_key is not None and _open_predecessor_exists(message_id, message):
            return Report(message_id, Result.WAITING)
        # It became deliverable since the first look (its predecessor just closed).
        message.state = MessageState.DELIVERING
        message.attempts += 1
        message.last_attempt_at = now
        message.claimed_by = str(message.pk)
        message.save(update_fields=["state", "attempts", "last_attempt_at", "claimed_by"])
        return message


def _open_predecessor_exists(message_id: uuid.UUID, message: Message | None = None) -> bool:
    if message is None:
        message = (
            Message.objects.filter(pk=message_id).only("source_schema", "ordering_key", "sequence").first()
        )
        if message is None or message.ordering_key is None:
            return False
    return Message.objects.filter(
        source_schema=message.source_schema,
        ordering_key=message.ordering_key,
        sequence__lt=message.sequence,
        state__in=OPEN_STATES,
    ).exists()


def apply_claimed(message: Message, via: DeliveredVia) -> Report:
    started = time.perf_counter()
    try:
        target, registration, envelope = _prepare(message)
        handler = registration.handler
        if registration.targets == TargetScope.SELF:
            # The handler calls a system outside iKOMEK (a CAD over HTTP): it runs before the
            # transaction, so no transaction (and its locks) waits on the network; the receipt
            # and the acknowledgement follow. At least once, as before: the far end deduplicates.
            _call_outside_transaction(target, registration.handler, envelope)
            handler = _already_called
        with transaction.atomic():
            outcome = _receive_in(target, envelope, handler)
            handler_ms = (time.perf_counter() - started) * 1000
            acknowledged = Message.objects.filter(pk=message.pk, state=MessageState.DELIVERING).update(
                state=MessageState.DELIVERED,
                outcome=outcome,
                delivered_via=via,
                delivered_at=timezone.now(),
                handler_ms=handler_ms,
            )
            if acknowledged != 1:
                raise RuntimeError("the outbox row changed while it was being delivered")
    except Exception as exc:
        connection.set_schema_to_public()
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT]
        permanent = isinstance(exc, PermanentError)
        if not permanent:
            logger.warning(
                "federation: delivery attempt failed",
                exc_info=True,
                extra={"message_id": str(message.pk), "kind": message.kind, "attempt": message.attempts},
            )
        with transaction.atomic():
            locked = Message.objects.select_for_update().get(pk=message.pk)
            return record_failure(locked, error, permanent=permanent)
    logger.info(
        "federation: delivered",
        extra={
            "message_id": str(message.pk),
            "kind": message.kind,
            "source": message.source_schema,
            "target": message.target_schema,
            "outcome": outcome,
            "attempt": message.attempts,
            "via": via,
        },
    )
    return Report(message.pk, Result.DELIVERED, outcome=Outcome(outcome))


def _prepare(message: Message) -> tuple[Akimat, Registration, Envelope]:
    """Check both ends, the target scope and the payload; the envelope the handler will get."""
    registry = endpoints.lookup([message.source_schema, message.target_schema])
    target = registry.get(message.target_schema)
    if target is None:
        raise UnknownTarget(f"no akimat or region has schema {message.target_schema!r}")
    if not target.is_active:
        raise UnknownTarget(f"target akimat {message.target_schema!r} is deactivated")
    if message.source_schema not in registry:
        raise UnknownSource(f"source schema {message.source_schema!r} is not a registered akimat or region")
    registration = registration_for(message.kind)
    registration.check_target(message.target_schema, get_public_schema_name(), message.source_schema)
    registration.check_payload(message.payload, message.schema_version)
    envelope = Envelope(
        message_id=message.pk,
        kind=message.kind,
        schema_version=message.schema_version,
        source_schema=message.source_schema,
        target_schema=message.target_schema,
        ordering_key=message.ordering_key,
        sequence=message.sequence,
        payload=message.payload,
        attempt=message.attempts,
        created_at=message.created_at,
    )
    return target, registration, envelope


def _receive_in(target: Akimat, envelope: Envelope, handler: Handler) -> Outcome:
    """Run the handler in the target schema, with the receipt; raise on any problem."""
    connection.set_tenant(target)
    try:
        return receive(envelope, handler)
    finally:
        connection.set_schema_to_public()


def _call_outside_transaction(target: Akimat, handler: Handler, envelope: Envelope) -> None:
    """Call a SELF kind's handler unless the receiver already took this message (a receipt) or a
    newer one of its key (the cursor): the same rules `receive` applies, read without writing."""
    connection.set_tenant(target)
    try:
        if settled(envelope) is None:
            handler(envelope)
    finally:
        connection.set_schema_to_public()


def _already_called(envelope: Envelope) -> None:
    """The handler of a SELF kind ran before the delivery transaction; only the receipt remains."""


def record_failure(
    message: Message, error: str, *, permanent: bool, event: EventKind | None = None
) -> Report:
    """Record a failed attempt on the locked row: retry later, or dead-letter."""
    now = timezone.now()
    message.last_error = error
    # An attempt that died with its worker: the next one runs alone (see Message.solo).
    message.solo = message.solo or event == EventKind.WORKER_LOST
    if permanent or message.attempts >= message.max_attempts:
        message.state = MessageState.DEAD
        message.dead_at = now
        message.save(update_fields=["state", "dead_at", "last_error", "solo"])
        if event is not None:
            MessageEvent.objects.create(message=message, event=event, attempt=message.attempts, error=error)
        reason = error if permanent else f"{message.attempts} attempts used up; last error: {error}"
        MessageEvent.objects.create(
            message=message, event=EventKind.DEAD, attempt=message.attempts, error=reason[:ERROR_LIMIT]
        )
        logger.error(
            "federation: message dead-lettered",
            extra={
                "message_id": str(message.pk),
                "kind": message.kind,
                "source": message.source_schema,
                "target": message.target_schema,
                "attempts": message.attempts,
                "error": error,
            },
        )
        return Report(message.pk, Result.DEAD, error=error)
    delay = retry_delay(message.attempts)
    message.state = MessageState.RETRYING
    message.next_attempt_at = now + timedelta(seconds=delay)
    message.save(update_fields=["state", "next_attempt_at", "last_error", "solo"])
    MessageEvent.objects.create(
        message=message, event=event or EventKind.RETRY_SCHEDULED, attempt=message.attempts, error=error
    )
    return Report(message.pk, Result.RETRY_SCHEDULED, retry_in=delay, error=error)
