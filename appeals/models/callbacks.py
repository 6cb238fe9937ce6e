"""Call-back attempts: the operator calls the applicant (and the applicants of linked repeats)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from appeals.models.appeal import Appeal


class CallbackAttempt(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="callback_attempts")
    # Whose applicant was called: the appeal itself, or a repeat linked to it.
    contact = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_default=Now())
    operator_subject = models.CharField(max_length=200)
    operator_name = models.CharField(max_length=200)
    reached = models.BooleanField()
    satisfied = models.BooleanField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reached=True) | models.Q(satisfied__isnull=True),
                name="callback_satisfied_only_when_reached",
            )
        ]

    def __str__(self) -> str:
        return f"callback {self.appeal_id} reached={self.reached}"
