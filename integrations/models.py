"""An integrator's webhook, in its akimat's schema: where to POST which appeal changes, and the
secret they are signed with.

The secret is kept as it is, like a 112 centre's CAD secret (decision 51): signing needs it, a
hash could not sign. It is shown once, when made or rotated; the API never reads it back, and the
database and its backups are the thing to protect. While a rotation overlaps, deliveries carry a
signature with each secret, so the integrator may switch at any moment of the overlap.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models.functions import Now


class EventType(models.TextChoices):
    APPEAL_CREATED = "appeal.created", "appeal.created"
    APPEAL_STATUS_CHANGED = "appeal.status_changed", "appeal.status_changed"
    APPEAL_UPDATED = "appeal.updated", "appeal.updated"  # deadline, overdue, repeats, escalation...


class Webhook(models.Model):
    # Who owns it: the integrator's Keycloak client id (the principal's username for a client).
    client_id = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    event_types = models.JSONField(default=list)  # EventType values
    secret = models.CharField(max_length=200)
    previous_secret = models.CharField(max_length=200, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    created_by = models.CharField(max_length=200)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client_id", "url"], name="webhook_client_url_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} → {self.url}"

    def signing_secrets(self, now: datetime.datetime) -> list[str]:
        """The secret, and the one before it while the rotation's overlap lasts."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            secrets.append(self.previous_secret)
        return secrets
