"""After a restore, the federation agrees with the restored schema: nothing applied twice, nothing missed.

- Messages the akimat had not yet sent when the backup was taken belong to a state the restore threw
  away: dropped. Those still open from before the snapshot go on.
- Ordering cursors (the restored schema's, and the region's for this akimat) are only kept where they
  describe this deployment's outbox; from another deployment, or ahead of its counters, they would make
  new messages look stale: removed.
- Messages delivered to the akimat after the snapshot (the restored receipts lack them) are sent again;
  the receipts keep any of them from applying twice.
- The region's read model for the akimat is replaced by its restored appeals (a backfill through the
  outbox, as `rebuild_read_model` does), and the tallies are recomputed.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tenants.utils import schema_context

from federation.messaging.delivery import Result, deliver_in_order
from federation.messaging.models import (
    OPEN_STATES,
    DeliveredVia,
    EventKind,
    Message,
    MessageEvent,
    MessageState,
    OrderingSequence,
    Outcome,
)
from federation.read_model_feed import send_backfill
from operations.backups.database import quoted
from regional.models import AppealFact
from regional.rebuild import rebuild_tallies

# A message applied just before the snapshot may have committed just after it (its receipt then is not in
# the dump): such late commits are looked for this far back.
COMMIT_MARGIN = datetime.timedelta(minutes=5)
ACTOR = "restore_akimat"


def deployment() -> dict[str, str]:
    """What tells one deployment's database from another's (the outbox's history is per database)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), system_identifier::text FROM pg_control_system()")
        name, system = cursor.fetchone()
    return {"database": name, "system_identifier": system}


def open_messages_from(schema: str) -> list[str]:
    """The akimat's messages not yet delivered (read under the backup's snapshot)."""
    return [
        str(pk)
        for pk in Message.objects.filter(source_schema=schema, state__in=OPEN_STATES).values_list(
            "pk", flat=True
        )
    ]


@dataclass
class Settlement:
    dropped: int = 0
    cursors_reset: int = 0
    replayed: int = 0
    facts: int = 0
    undelivered: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"outbox: {self.dropped} unsent message(s) of the replaced state dropped, "
            f"{self.replayed} message(s) to the akimat sent again",
            f"ordering cursors reset: {self.cursors_reset}",
            f"regional read model: {self.facts} appeal(s) of the akimat rebuilt, tallies recomputed",
        ]
        if self.undelivered:
            lines.append(f"left to the relay (not delivered now): {len(self.undelivered)} message(s)")
        return lines


def settle(schema: str, manifest: dict, *, original_schema: str) -> Settlement:
    result = Settlement()
    same_deployment = manifest["deployment"] == deployment() and schema == original_schema
    snapshot_at = parse_datetime(manifest["snapshot_at"])
    with transaction.atomic():
        result.dropped = _drop_unsent(schema, set(manifest["open_messages"]) if same_deployment else set())
        result.cursors_reset = _reset_cursors(schema, keep_consistent=same_deployment)
        replay = _to_replay(schema, snapshot_at) if same_deployment else []
        result.replayed = len(replay)
    for message_id in replay:
        result.undelivered += _deliver(message_id, DeliveredVia.REPLAY)
    result.facts, undelivered = rebuild_region(schema)
    result.undelivered += undelivered
    return result


def _drop_unsent(schema: str, kept: set[str]) -> int:
    unsent = Message.objects.filter(source_schema=schema, state__in=OPEN_STATES).exclude(pk__in=kept)
    MessageEvent.objects.filter(message__in=unsent).delete()
    return unsent.delete()[1].get("federation_messaging.Message", 0)


def _reset_cursors(schema: str, *, keep_consistent: bool) -> int:
    """Remove the cursors (of the restored schema, and the region's for this akimat) that the outbox's
    counters here do not back; in another deployment, all of them."""
    counters = {
        (source, key): last
        for source, key, last in OrderingSequence.objects.values_list(
            "source_schema", "ordering_key", "last_sequence"
        )
    }
    removed = 0
    for owner, only_source in ((schema, None), ("public", schema)):
        table = f"{quoted(owner)}.federation_inbox_orderingcursor"
        with connection.cursor() as cursor:
            query = f"SELECT id, source_schema, ordering_key, last_sequence FROM {table}"  # noqa: S608 (quoted)
            params: list[object] = []
            if only_source is not None:
                query += " WHERE source_schema = %s"
                params.append(only_source)
            cursor.execute(query, params)
            stale = [
                row[0]
                for row in cursor.fetchall()
                if not keep_consistent or counters.get((row[1], row[2]), -1) < row[3]
            ]
            if stale:
                cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [stale])  # noqa: S608 (quoted)
                removed += len(stale)
    return removed


def _to_replay(schema: str, snapshot_at: datetime.datetime) -> list[uuid.UUID]:
    """Messages applied in the akimat after the snapshot: their effect is not in the restored schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT message_id FROM {quoted(schema)}.federation_inbox_receipt "  # noqa: S608 (quoted)
            "WHERE received_at >= %s",
            [snapshot_at - COMMIT_MARGIN],
        )
        received = {row[0] for row in cursor.fetchall()}
    delivered = Message.objects.select_for_update().filter(
        Q(target_schema=schema, state=MessageState.DELIVERED, outcome=Outcome.APPLIED)
        & Q(delivered_at__gte=snapshot_at - COMMIT_MARGIN)
    )
    ids = []
    now = timezone.now()
    for message in delivered.exclude(pk__in=received).order_by("created_at"):
        message.state = MessageState.PENDING
        message.outcome = ""
        message.delivered_via = ""
        message.delivered_at = None
        message.attempts = 0
        message.replays += 1
        message.next_attempt_at = now
        message.save(
            update_fields=[
                "state",
                "outcome",
                "delivered_via",
                "delivered_at",
                "attempts",
                "replays",
                "next_attempt_at",
            ]
        )
        MessageEvent.objects.create(
            message=message,
            event=EventKind.REPLAYED,
            actor=ACTOR,
            error="applied after the backup the akimat was restored from",
        )
        ids.append(message.pk)
    return ids


def rebuild_region(schema: str) -> tuple[int, list[str]]:
    """Replace the region's facts of the akimat by its restored appeals; (facts now, undelivered ids)."""
    connection.set_schema_to_public()
    AppealFact.objects.filter(schema=schema).delete()
    with schema_context(schema):
        message_ids = send_backfill()
    connection.set_schema_to_public()
    undelivered = []
    for message_id in message_ids:
        undelivered += _deliver(message_id, DeliveredVia.DIRECT)
    rebuild_tallies()
    return AppealFact.objects.filter(schema=schema).count(), undelivered


def _deliver(message_id: uuid.UUID, via: DeliveredVia) -> list[str]:
    reports = deliver_in_order(message_id, via=via)
    return [str(r.message_id) for r in reports if r.result not in (Result.DELIVERED, Result.DONE_ALREADY)]
