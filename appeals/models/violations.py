"""The lawyer's register: an overdue appeal opens a violation against the organisation and person."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models.functions import Now

from appeals.models.appeal import Appeal
from appeals.models.catalogue import Organisation, ResponsiblePerson


class ViolationStatus(models.TextChoices):
    OPEN = "open", "Ашық / Открыто"
    EXPLANATION_RECEIVED = "explanation_received", "Түсініктеме алынды / Получено объяснение"
    SANCTION_PROPOSED = "sanction_proposed", "Жаза ұсынылды / Предложено взыскание"
    CLOSED = "closed", "Жабылды / Закрыто"


class Violation(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="violations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="violations")
    person = models.ForeignKey(
        ResponsiblePerson, null=True, blank=True, on_delete=models.PROTECT, related_name="violations"
    )
    deadline = models.DateTimeField()
    detected_at = models.DateTimeField(db_default=Now())
    # Grows while the appeal stays unanswered; fixed when the service answers.
    hours_overdue = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    status = models.CharField(max_length=24, choices=ViolationStatus.choices, default=ViolationStatus.OPEN)
    explanation = models.TextField(blank=True)
    sanction = models.TextField(blank=True)
    closing_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            # One violation per missed deadline: the monitor may run twice, concurrently.
            models.UniqueConstraint(fields=["appeal", "deadline"], name="violation_once_per_deadline"),
        ]
        indexes = [
            models.Index(fields=["person", "-detected_at"], name="violation_person_idx"),
            models.Index(fields=["status", "-detected_at"], name="violation_status_idx"),
            # The register's page, newest first: read in order instead of sorting them all.
            models.Index(fields=["-detected_at", "-id"], name="violation_detected_idx"),
        ]

    def __str__(self) -> str:
        return f"violation {self.appeal_id} {self.status}"


class ViolationEvent(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor_subject = models.CharField(max_length=200)
    actor_name = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=40)
    at = models.DateTimeField(db_default=Now())
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="violation_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status}->{self.to_status}"
