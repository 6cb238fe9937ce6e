"""A batch: the due messages of one target and lane, claimed together and applied in one transaction.

Claim: one autocommitted statement takes up to FEDERATION_BATCH_SIZE due messages
(`FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait on each other nor take the same row),
counts the attempt and marks them `delivering` under the claimer's key. A message whose key has an
earlier message still open outside the batch is left alone, as in the single path; earlier ones
inside the batch are applied first.

Apply: one transaction in the target schema holds every message's receipt, effect and
acknowledgement, so each message still has exactly one effect and a crash loses the whole batch
(delivered again, the receipts making repeats duplicates). It is tried fast first: the receipts of
the whole batch in one statement, the ordering cursors in three, the acknowledgements in one, and
only the handlers per message (or per kind and source, for a kind registered with a batch
handler). When anything in it raises, it is rolled back and applied again carefully: a savepoint
per message, each through its own handler, so a failing message is retried or dead-lettered alone
and the others are applied; the later messages of a failed message's key wait for it (released,
their attempt not counted).

For a kind registered `newest_only`, only the newest message of a key in the batch is applied; the
older ones are acknowledged `superseded` (with the newer one's id) in the same transaction, or
released when the newer one fails. Kinds that call outside iKOMEK (`TargetScope.SELF`) go through
the single path one by one after the batch, their call outside any transaction.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from federation.messaging import endpoints
from federation.messaging.delivery import ERROR_LIMIT, Result, apply_claimed, record_failure
from federation.messaging.errors import IsolationError, PermanentError, UnknownSource, UnknownTarget
from federation.messaging.handlers import Envelope, Registration, TargetScope, registration_for
from federation.messaging.inbox.receive import receive
from federation.messaging.models import DeliveredVia, Message, MessageState, Outcome
from tenants.models import Akimat

logger = logging.getLogger(__name__)

CLAIM_SQL = """
WITH candidates AS (
    SELECT id FROM public.federation_message
     WHERE target_schema = %(target)s AND lane = %(lane)s AND state IN ('pending', 'retrying')
       AND next_attempt_at <= now() - make_interval(secs => %(grace)s) AND NOT solo
     ORDER BY next_attempt_at
     LIMIT %(limit)s
       FOR UPDATE SKIP LOCKED
)
UPDATE public.federation_message AS m
   SET state = 'delivering', attempts = m.attempts + 1, last_attempt_at = now(), claimed_by = %(claimer)s
  FROM candidates AS c
 WHERE m.id = c.id
   AND (m.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM public.federation_message AS p
         WHERE p.source_schema = m.source_schema AND p.ordering_key = m.ordering_key
           AND p.sequence < m.sequence AND p.state IN ('pending', 'delivering', 'retrying')
           AND p.id NOT IN (SELECT id FROM candidates)))
RETURNING m.id, m.kind, m.schema_version, m.source_schema, m.target_schema, m.ordering_key, m.sequence,
          m.payload, m.attempts, m.max_attempts, m.replays, m.created_at
"""


@dataclass
class Claimed:
    """A claimed row, as the batch needs it (no model instance: a batch reads hundreds)."""

    id: uuid.UUID
    kind: str
    schema_version: int
    source_schema: str
    target_schema: str
    ordering_key: str | None
    sequence: int | None
    payload: dict
    attempts: int
    max_attempts: int
    replays: int
    created_at: datetime


def claim(target: str, lane: str, claimer: str, *, limit: int, grace_seconds: float = 0.0) -> list[Claimed]:
    """Claim up to `limit` due messages of (target, lane) for `claimer`; committed at once (so an
    attempt that kills its worker counts)."""
    params = {"target": target, "lane": lane, "claimer": claimer, "limit": limit, "grace": grace_seconds}
    with transaction.atomic(), connection.cursor() as cursor:
        # Committed without waiting for the disk: a claim lost with a crash of PostgreSQL only makes
        # its messages pending again, and the batch's own (durable) commit writes it out first.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(CLAIM_SQL, params)
        rows = cursor.fetchall()
    return [
        Claimed(*row[:7], json.loads(row[7]) if isinstance(row[7], str) else row[7], *row[8:]) for row in rows
    ]


# ------------------------------------------------------------------ planning


@dataclass
class Item:
    message: Claimed
    registration: Registration | None = None
    envelope: Envelope | None = None
    error: BaseException | None = None  # why it failed (a refusal before applying, or its handler)
    superseded_by: uuid.UUID | None = None
    outcome: Outcome | None = None
    handler_ms: float | None = None
    released: bool = False  # back to the queue uncounted: an earlier message of its key failed
    result: str = ""  # what became of a failed one: retry_scheduled or dead

    @property
    def key(self) -> tuple[str, str] | None:
        m = self.message
        return (m.source_schema, m.ordering_key) if m.ordering_key is not None else None


@dataclass
class BatchResult:
    counts: Counter[str] = field(default_factory=Counter)
    closed_keys: set[tuple[str, str]] = field(default_factory=set)  # keys whose messages were closed
    careful: bool = False  # the fast transaction failed and the batch was applied message by message


def _order(message: Claimed) -> tuple:
    return (message.source_schema, message.ordering_key or "", message.sequence or 0, message.created_at)


def _plan(items: list[Item], target_schema: str) -> None:
    """Refuse what can never be applied, decide what is superseded, and check the payload of the
    rest: the payload checks (JSON Schema) are most of a batch's own work in Python, so a superseded
    message, never applied, is not checked. A newest message refused sends its key back to the
    older ones."""
    _check_ends_and_kind(items, target_schema)
    while True:
        _supersede(items)
        unchecked = [i for i in items if i.error is None and i.superseded_by is None and i.envelope is None]
        if not _check_payloads(unchecked):
            return


def _check_ends_and_kind(items: list[Item], target_schema: str) -> None:
    """Both ends in the registry, a kind this process knows, and its target scope."""
    registry = endpoints.lookup(sorted({i.message.source_schema for i in items} | {target_schema}))
    target = registry.get(target_schema)
    for item in items:
        m = item.message
        try:
            if target is None:
                raise UnknownTarget(f"no akimat or region has schema {target_schema!r}")
            if not target.is_active:
                raise UnknownTarget(f"target akimat {target_schema!r} is deactivated")
            if m.source_schema not in registry:
                raise UnknownSource(f"source schema {m.source_schema!r} is not a registered akimat or region")
            item.registration = registration_for(m.kind)
            item.registration.check_target(m.target_schema, get_public_schema_name(), m.source_schema)
        except PermanentError as error:
            item.error = error


def _check_payloads(items: list[Item]) -> bool:
    """The payload against its kind's schema, and the envelope the handler gets; True when one was
    refused."""
    refused = False
    for item in items:
        m = item.message
        try:
            item.registration.check_payload(m.payload, m.schema_version)
        except PermanentError as error:
            item.error, refused = error, True
            continue
        item.envelope = Envelope(
            message_id=m.id,
            kind=m.kind,
            schema_version=m.schema_version,
            source_schema=m.source_schema,
            target_schema=m.target_schema,
            ordering_key=m.ordering_key,
            sequence=m.sequence,
            payload=m.payload,
            attempt=m.attempts,
            created_at=m.created_at,
        )
    return refused


def _supersede(items: list[Item]) -> None:
    """Within a key of a newest_only kind, all but the newest message are superseded by it (not for
    a kind that calls outside iKOMEK: those go one by one through the single path)."""

    def eligible(item: Item) -> bool:
        registration = item.registration
        return (
            item.error is None
            and item.key is not None
            and registration.newest_only
            and registration.targets != TargetScope.SELF
        )

    newest: dict[tuple[str, str, str], Item] = {}
    for item in items:
        item.superseded_by = None
        if eligible(item):
            newest[(*item.key, item.message.kind)] = item  # items are in sequence order: the last wins
    for item in items:
        if eligible(item):
            winner = newest[(*item.key, item.message.kind)]
            if winner is not item:
                item.superseded_by = winner.message.id


# ------------------------------------------------------------------ applying


def apply(batch: list[Claimed], *, target_schema: str, claimer: str, via: DeliveredVia) -> BatchResult:
    """Apply a claimed batch (all to `target_schema`) and record what became of every message."""
    items = [Item(message) for message in sorted(batch, key=_order)]
    _plan(items, target_schema)
    inside = [i for i in items if i.error is None and i.registration.targets != TargetScope.SELF]
    outside = [i for i in items if i.error is None and i.registration.targets == TargetScope.SELF]
    refused = [i for i in items if i.error is not None]
    result = BatchResult()
    target = endpoints.lookup([target_schema]).get(target_schema)
    try:
        with transaction.atomic():
            if inside:
                _enter(target)
                _apply_fast(inside, target_schema)
            _record(inside + refused, claimer=claimer, via=via)
    except Exception:
        logger.info(
            "federation: a batch failed as a whole; applying it message by message",
            exc_info=True,
            extra={"target": target_schema, "messages": len(inside)},
        )
        result.careful = True
        for item in inside:
            item.outcome, item.handler_ms, item.error, item.released = None, None, None, False
        with transaction.atomic():
            _enter(target)
            _apply_carefully(inside, target)
            _record(inside + refused, claimer=claimer, via=via)
    failed_keys = {i.key for i in inside if i.error is not None or i.released}
    for item in outside:
        _apply_outside(item, via, claimer=claimer, failed_keys=failed_keys)
    for item in items:
        result.counts[_count(item)] += 1
        closed = item.outcome is not None or item.error is not None or item.superseded_by is not None
        if item.key is not None and closed and not item.released:
            result.closed_keys.add(item.key)
    return result


def _enter(target: Akimat | None) -> None:
    if target is not None and connection.schema_name != target.schema_name:
        connection.set_tenant(target)


def _apply_fast(items: list[Item], schema_name: str) -> None:
    """Receipts, cursors and acknowledgements per batch; only the handlers per message."""
    if connection.schema_name != schema_name:
        raise IsolationError(f"batch for {schema_name!r} applied in schema {connection.schema_name!r}")
    schema = connection.ops.quote_name(schema_name)
    todo = [i for i in items if i.superseded_by is None]
    fresh = _insert_receipts(schema, todo)
    for item in todo:
        if item.message.id not in fresh:
            item.outcome = Outcome.DUPLICATE
    keyed = [i for i in todo if i.outcome is None and i.key is not None]
    stale = _advance_cursors(schema, keyed) if keyed else []
    if stale:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {schema}.federation_inbox_receipt SET outcome = %s "  # noqa: S608 (quoted name)
                "WHERE message_id = ANY(%s)",
                [Outcome.STALE.value, [i.message.id for i in stale]],
            )
        for item in stale:
            item.outcome = Outcome.STALE
    groups, singles = _groups([i for i in todo if i.outcome is None])
    for group in groups:
        started = time.perf_counter()
        group[0].registration.batch_handler([i.envelope for i in group])
        _check_schema(schema_name, group[0].message.kind)
        for item in group:
            item.handler_ms = (time.perf_counter() - started) * 1000 / len(group)
            item.outcome = Outcome.APPLIED
    for item in singles:
        started = time.perf_counter()
        item.registration.handler(item.envelope)
        _check_schema(schema_name, item.message.kind)
        item.handler_ms = (time.perf_counter() - started) * 1000
        item.outcome = Outcome.APPLIED


def _groups(items: list[Item]) -> tuple[list[list[Item]], list[Item]]:
    """The items a kind's batch handler applies together (per kind and source), and the rest, in order.

    A key with messages of several kinds here keeps them one by one, in sequence order.
    """
    kinds_of_key: dict[tuple[str, str], set[str]] = {}
    for item in items:
        if item.key is not None:
            kinds_of_key.setdefault(item.key, set()).add(item.message.kind)
    groups: dict[tuple[str, str], list[Item]] = {}
    singles: list[Item] = []
    for item in items:
        mixed = item.key is not None and len(kinds_of_key[item.key]) > 1
        if item.registration.batch_handler is not None and not mixed:
            groups.setdefault((item.message.kind, item.message.source_schema), []).append(item)
        else:
            singles.append(item)
    return list(groups.values()), singles


def _check_schema(schema_name: str, kind: str) -> None:
    if connection.schema_name != schema_name:
        raise IsolationError(f"handler of {kind} left {schema_name!r} for {connection.schema_name!r}")


def _insert_receipts(schema: str, items: list[Item]) -> set[uuid.UUID]:
    """The batch's receipts in one statement; the ids that had none (the others are duplicates)."""
    if not items:
        return set()
    rows = [(m.id, m.kind, m.source_schema, m.ordering_key, m.sequence) for m in _messages(items)]
    columns = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {schema}.federation_inbox_receipt "  # noqa: S608 (quoted schema name)
            "(message_id, kind, source_schema, ordering_key, sequence, outcome, received_at) "
            "SELECT u.id, u.kind, u.source, u.key, u.seq, %s, now() "
            "FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], %s::bigint[]) "
            "AS u(id, kind, source, key, seq) "
            "ON CONFLICT (message_id) DO NOTHING RETURNING message_id",
            [Outcome.APPLIED.value, *[list(column) for column in columns]],
        )
        return {row[0] for row in cursor.fetchall()}


def _advance_cursors(schema: str, items: list[Item]) -> list[Item]:
    """Apply by sequence per key (decision 15): move each key's cursor to its newest message here;
    the messages at or below where the cursor stood are stale. Returns the stale ones."""
    keys = sorted({i.key for i in items})
    sources, names = [k[0] for k in keys], [k[1] for k in keys]
    with connection.cursor() as cursor:
        # A row for every key first: a concurrent first delivery of a key is waited for here, so the
        # locking read below sees where it left the cursor.
        cursor.execute(
            f"INSERT INTO {schema}.federation_inbox_orderingcursor "  # noqa: S608 (quoted schema name)
            "(source_schema, ordering_key, last_sequence, updated_at) "
            "SELECT s, k, 0, now() FROM unnest(%s::text[], %s::text[]) AS u(s, k) "
            "ON CONFLICT (source_schema, ordering_key) DO NOTHING",
            [sources, names],
        )
        cursor.execute(
            f"SELECT c.source_schema, c.ordering_key, c.last_sequence "  # noqa: S608 (quoted schema name)
            f"FROM {schema}.federation_inbox_orderingcursor AS c "
            "JOIN unnest(%s::text[], %s::text[]) AS u(s, k) "
            "ON c.source_schema = u.s AND c.ordering_key = u.k "
            "ORDER BY c.source_schema, c.ordering_key FOR UPDATE OF c",
            [sources, names],
        )
        position = {(source, key): last for source, key, last in cursor.fetchall()}
        stale: list[Item] = []
        moved: dict[tuple[str, str], int] = {}
        for item in items:  # in sequence order per key
            if item.message.sequence <= position[item.key]:
                stale.append(item)
            else:
                position[item.key] = moved[item.key] = item.message.sequence
        if moved:
            keys = sorted(moved)
            cursor.execute(
                f"UPDATE {schema}.federation_inbox_orderingcursor AS c "  # noqa: S608 (quoted schema name)
                "SET last_sequence = u.seq, updated_at = now() "
                "FROM unnest(%s::text[], %s::text[], %s::bigint[]) AS u(s, k, seq) "
                "WHERE c.source_schema = u.s AND c.ordering_key = u.k",
                [[k[0] for k in keys], [k[1] for k in keys], [moved[k] for k in keys]],
            )
    return stale


def _apply_carefully(items: list[Item], target: Akimat | None) -> None:
    """A savepoint per message: a failure rolls back that message alone."""
    failed: set[tuple[str, str]] = set()
    for item in items:
        if item.superseded_by is not None:
            continue  # decided once its newest is
        if item.key in failed:
            item.released = True
            continue
        started = time.perf_counter()
        try:
            with transaction.atomic():
                item.outcome = receive(item.envelope, item.registration.handler)
        except Exception as error:
            item.error, item.outcome = error, None
            if item.key is not None:
                failed.add(item.key)
            if not isinstance(error, PermanentError):
                logger.warning(
                    "federation: delivery attempt failed",
                    exc_info=True,
                    extra={"message_id": str(item.message.id), "kind": item.message.kind},
                )
            if target is not None:
                connection.set_tenant(target)  # a handler may have left the schema before failing
            continue
        if item.outcome == Outcome.APPLIED:
            item.handler_ms = (time.perf_counter() - started) * 1000
    winners = {i.message.id: i for i in items}
    for item in items:
        if item.superseded_by is not None:
            winner = winners[item.superseded_by]
            if winner.outcome is None:
                item.released = True  # the newer one failed: this one may still be applied


def _record(items: list[Item], *, claimer: str, via: DeliveredVia) -> None:
    """Acknowledge, release and fail `items` (in the public outbox), in the batch's transaction."""
    done = [i for i in items if not i.released and i.error is None and (i.outcome or i.superseded_by)]
    if done:
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE public.federation_message AS m "
                "SET state = 'delivered', outcome = u.outcome, delivered_via = u.via, delivered_at = %s, "
                "handler_ms = u.handler_ms, superseded_by = u.superseded_by, solo = false "
                "FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::float8[], %s::uuid[]) "
                "AS u(id, outcome, via, handler_ms, superseded_by) "
                "WHERE m.id = u.id AND m.state = 'delivering' AND m.claimed_by = %s",
                [
                    now,
                    [i.message.id for i in done],
                    [(i.outcome or Outcome.SUPERSEDED).value for i in done],
                    [_via(i.message, via).value for i in done],
                    [i.handler_ms for i in done],
                    [i.superseded_by for i in done],
                    claimer,
                ],
            )
            if cursor.rowcount != len(done):
                raise RuntimeError("outbox rows changed while their batch was being delivered")
    released = [i.message.id for i in items if i.released]
    if released:
        release(released, claimer)
    for item in items:
        if item.error is not None and not item.released:
            message = Message.objects.select_for_update().get(pk=item.message.id)
            error = f"{type(item.error).__name__}: {item.error}"[:ERROR_LIMIT]
            item.result = record_failure(
                message, error, permanent=isinstance(item.error, PermanentError)
            ).result


def release(message_ids: Iterable[uuid.UUID], claimer: str) -> None:
    """Back to the queue, the attempt not counted: they were claimed but never tried."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE public.federation_message SET attempts = attempts - 1, claimed_by = '', "
            "state = CASE WHEN attempts > 1 THEN 'retrying' ELSE 'pending' END "
            "WHERE id = ANY(%s) AND state = 'delivering' AND claimed_by = %s",
            [list(message_ids), claimer],
        )


def _apply_outside(item: Item, via: DeliveredVia, *, claimer: str, failed_keys: set) -> None:
    """A kind that calls outside iKOMEK: the single path's call-then-receipt (decision 49)."""
    if item.key is not None and item.key in failed_keys:
        item.released = True
        release([item.message.id], claimer)
        return
    m = item.message
    message = Message(
        id=m.id,
        kind=m.kind,
        schema_version=m.schema_version,
        source_schema=m.source_schema,
        target_schema=m.target_schema,
        ordering_key=m.ordering_key,
        sequence=m.sequence,
        payload=m.payload,
        attempts=m.attempts,
        max_attempts=m.max_attempts,
        replays=m.replays,
        created_at=m.created_at,
        state=MessageState.DELIVERING,
    )
    report = apply_claimed(message, _via(m, via))
    if report.result == Result.DELIVERED:
        item.outcome = report.outcome
    else:
        item.error, item.result = RuntimeError(report.error), report.result
        if item.key is not None:
            failed_keys.add(item.key)


def _messages(items: list[Item]) -> list[Claimed]:
    return [i.message for i in items]


def _via(message: Claimed, via: DeliveredVia) -> DeliveredVia:
    """What delivered it, as the outbox says: the sweep or a direct call as such; else a replayed
    message's first attempt is `replay`, a later attempt `retry`, a first one `kick`."""
    if via in (DeliveredVia.SWEEP, DeliveredVia.DIRECT):
        return via
    if message.replays and message.attempts == 1:
        return DeliveredVia.REPLAY
    return DeliveredVia.RETRY if message.attempts > 1 else DeliveredVia.KICK


def _count(item: Item) -> str:
    if item.released:
        return "released"
    if item.error is not None:
        return item.result or "failed"
    if item.superseded_by is not None:
        return Outcome.SUPERSEDED.value
    return Result.DELIVERED.value
