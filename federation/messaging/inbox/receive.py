"""Apply one message in the receiver's schema exactly once, and never an older one of a key after a newer.

The caller (the relay) has already switched the connection to the target schema and holds a
transaction: the receipt, the ordering cursor and the handler's effect commit together.
"""

from __future__ import annotations

from django.db import connection

from federation.messaging.errors import IsolationError
from federation.messaging.handlers import Envelope, Handler
from federation.messaging.models import Outcome


def receive(envelope: Envelope, handler: Handler) -> Outcome:
    if not connection.in_atomic_block:
        raise RuntimeError("receive() must run inside the delivery transaction")
    if connection.schema_name != envelope.target_schema:
        raise IsolationError(
            f"message for {envelope.target_schema!r} received in schema {connection.schema_name!r}"
        )
    # Qualified by schema: an unmigrated schema must fail, never fall through to public's tables.
    schema = connection.ops.quote_name(envelope.target_schema)
    with connection.cursor() as cursor:
        # A concurrent duplicate blocks here until the first commits, then finds the row.
        cursor.execute(
            f"INSERT INTO {schema}.federation_inbox_receipt "  # noqa: S608 (quoted schema name)
            "(message_id, kind, source_schema, ordering_key, sequence, outcome, received_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, now()) ON CONFLICT (message_id) DO NOTHING RETURNING 1",
            [
                envelope.message_id,
                envelope.kind,
                envelope.source_schema,
                envelope.ordering_key,
                envelope.sequence,
                Outcome.APPLIED.value,
            ],
        )
        if cursor.fetchone() is None:
            return Outcome.DUPLICATE
        if envelope.ordering_key is not None and not _advance_cursor(cursor, schema, envelope):
            cursor.execute(
                f"UPDATE {schema}.federation_inbox_receipt SET outcome = %s WHERE message_id = %s",  # noqa: S608
                [Outcome.STALE.value, envelope.message_id],
            )
            return Outcome.STALE
    handler(envelope)
    if connection.schema_name != envelope.target_schema:
        raise IsolationError(
            f"handler of {envelope.kind} left {envelope.target_schema!r} for {connection.schema_name!r}"
        )
    return Outcome.APPLIED


def settled(envelope: Envelope) -> Outcome | None:
    """What `receive` would answer without the handler, read without writing: DUPLICATE when this
    message has a receipt, STALE when an equal or newer sequence of its key was applied; None when
    it is to be applied (the relay asks before calling an outside system, outside a transaction)."""
    if connection.schema_name != envelope.target_schema:
        raise IsolationError(
            f"message for {envelope.target_schema!r} checked in schema {connection.schema_name!r}"
        )
    schema = connection.ops.quote_name(envelope.target_schema)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {schema}.federation_inbox_receipt WHERE message_id = %s",  # noqa: S608
            [envelope.message_id],
        )
        if cursor.fetchone() is not None:
            return Outcome.DUPLICATE
        if envelope.ordering_key is None:
            return None
        cursor.execute(
            f"SELECT last_sequence FROM {schema}.federation_inbox_orderingcursor "  # noqa: S608
            "WHERE source_schema = %s AND ordering_key = %s",
            [envelope.source_schema, envelope.ordering_key],
        )
        row = cursor.fetchone()
    return Outcome.STALE if row is not None and row[0] >= envelope.sequence else None


def _advance_cursor(cursor: object, schema: str, envelope: Envelope) -> bool:
    """Move the key's cursor to this sequence; False when an equal or newer one was applied already."""
    cursor.execute(
        f"INSERT INTO {schema}.federation_inbox_orderingcursor "  # noqa: S608 (quoted schema name)
        "(source_schema, ordering_key, last_sequence, updated_at) "
        "VALUES (%s, %s, %s, now()) ON CONFLICT (source_schema, ordering_key) DO UPDATE "
        "SET last_sequence = EXCLUDED.last_sequence, updated_at = EXCLUDED.updated_at "
        "WHERE federation_inbox_orderingcursor.last_sequence < EXCLUDED.last_sequence RETURNING 1",
        [envelope.source_schema, envelope.ordering_key, envelope.sequence],
    )
    return cursor.fetchone() is not None
