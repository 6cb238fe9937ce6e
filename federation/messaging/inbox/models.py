"""Per receiver (schema): which messages were applied, how far each ordering key has got, probes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Receipt(models.Model):
    """One row per message ever received here: the key that makes applying exactly-once."""

    message_id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=100)
    source_schema = models.CharField(max_length=63)
    ordering_key = models.CharField(max_length=200, null=True, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10)  # applied | stale
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["received_at"], name="federation_receipt_received")]

    def __str__(self) -> str:
        return f"{self.kind} from {self.source_schema}: {self.outcome}"


class OrderingCursor(models.Model):
    """The highest sequence applied per (source, ordering key); older ones arriving later are stale."""

    source_schema = models.CharField(max_length=63)
    ordering_key = models.CharField(max_length=200)
    last_sequence = models.BigIntegerField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_schema", "ordering_key"], name="federation_cursor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_schema}:{self.ordering_key}@{self.last_sequence}"


class ProbeRecord(models.Model):
    """The effect of a `federation.probe` message: proof that (and when, and where) it was applied.

    Used by the end-to-end checks, the benchmark and the tests; `schema_seen` is PostgreSQL's own
    current_schema() at the moment of applying.
    """

    message_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=100)
    token = models.CharField(max_length=100, db_index=True)
    source_schema = models.CharField(max_length=63)
    ordering_key = models.CharField(max_length=200, null=True, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True)
    value = models.JSONField(null=True, blank=True)
    attempt = models.PositiveIntegerField()
    schema_seen = models.CharField(max_length=63)
    applied_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"probe {self.token} from {self.source_schema}"
