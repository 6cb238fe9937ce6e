"""Caller ID from the telephone exchange: the shared secret per akimat and the calls it reported."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class ExchangeCredential(models.Model):
    """SHA-256 of the exchange's shared secret; several rows allow a rotation without downtime."""

    label = models.CharField(max_length=100, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    # The secret's last characters, so a person can tell which secret the exchange holds; the
    # secret itself is shown once, when it is made.
    hint = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.label


class IncomingCall(models.Model):
    phone = models.CharField(max_length=32, help_text="E.164 when the number could be read, else as sent")
    phone_valid = models.BooleanField(default=True)
    exchange_call_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    line = models.CharField(max_length=40, blank=True)
    received_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["-received_at", "-id"], name="incoming_call_recent_idx")]

    def __str__(self) -> str:
        return f"{self.phone} at {self.received_at}"
