"""The outbox, in the public schema: every message any tenant (or the region) sends, keyed by source.

One table for all tenants lets one relay serve them all, and the write shares the sender's
transaction: the tenant's search_path ends in public, so the sender's change and its message
commit together or not at all.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone


class MessageState(models.TextChoices):
    PENDING = "pending", "pending"
    DELIVERING = "delivering", "delivering"
    DELIVERED = "delivered", "delivered"
    RETRYING = "retrying", "failed, retrying"
    DEAD = "dead", "dead"


class Outcome(models.TextChoices):
    """What the receiver did with a delivered message."""

    APPLIED = "applied", "applied"
    DUPLICATE = "duplicate", "duplicate (applied before)"
    STALE = "stale", "stale (a newer one of its key was applied)"


class DeliveredVia(models.TextChoices):
    KICK = "kick", "kick on commit"
    RETRY = "retry", "scheduled retry"
    SWEEP = "sweep", "periodic sweep"
    REPLAY = "replay", "replay"
    SUCCESSOR = "successor", "after its predecessor"
    DIRECT = "direct", "direct call"


OPEN_STATES = (MessageState.PENDING, MessageState.DELIVERING, MessageState.RETRYING)


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=100)
    schema_version = models.PositiveSmallIntegerField()
    source_schema = models.CharField(max_length=63)
    target_schema = models.CharField(max_length=63)
    ordering_key = models.CharField(max_length=200, null=True, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()

    state = models.CharField(max_length=12, choices=MessageState.choices, default=MessageState.PENDING)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    delivered_via = models.CharField(max_length=10, choices=DeliveredVia.choices, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField()
    replays = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    handler_ms = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweep's and the relay's "what is due" scan.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["pending", "retrying"]),
                name="federation_message_due",
            ),
            models.Index(
                fields=["created_at"], condition=Q(state="delivering"), name="federation_message_delivering"
            ),
            models.Index(fields=["dead_at"], condition=Q(state="dead"), name="federation_message_dead"),
            models.Index(fields=["delivered_at"], name="federation_message_delivered"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ordering_key__isnull=True, sequence__isnull=True)
                | Q(ordering_key__isnull=False, sequence__isnull=False),
                name="federation_message_key_has_sequence",
            ),
            # Also the index of the ordering gate (predecessors of a key).
            models.UniqueConstraint(
                fields=["source_schema", "ordering_key", "sequence"],
                condition=Q(ordering_key__isnull=False),
                name="federation_message_key_sequence_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_schema}→{self.target_schema} [{self.state}] {self.id}"

    @property
    def latency_ms(self) -> float | None:
        if self.delivered_at is None:
            return None
        return (self.delivered_at - self.created_at).total_seconds() * 1000


class EventKind(models.TextChoices):
    RETRY_SCHEDULED = "retry_scheduled", "retry scheduled"
    DEAD = "dead", "dead-lettered"
    WORKER_LOST = "worker_lost", "attempt interrupted (worker lost)"
    REPLAYED = "replayed", "replayed"


class MessageEvent(models.Model):
    """What happened to a message besides a plain first-time delivery: failures, dead letter, replay."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=20, choices=EventKind.choices)
    attempt = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    actor = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event} #{self.attempt}"


class OrderingSequence(models.Model):
    """The last sequence number handed out per (source, ordering key).

    The upsert locks the row until the sender commits, so concurrent senders of one key get
    numbers in commit order.
    """

    source_schema = models.CharField(max_length=63)
    ordering_key = models.CharField(max_length=200)
    last_sequence = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_schema", "ordering_key"], name="federation_ordering_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_schema}:{self.ordering_key}={self.last_sequence}"
