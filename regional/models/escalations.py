"""The regional escalation queue: appeals the akimats (or the region's rules there) sent up, and what
the region decided. Every decision also goes back to the akimat's appeal as a message."""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class EscalationState(models.TextChoices):
    OPEN = "open", "Кезекте / В очереди"
    ACCEPTED = "accepted", "Облыс қабылдады / Принято областью"
    ASSIGNED_BACK = "assigned_back", "Нұсқаумен қайтарылды / Возвращено с поручением"
    RESOLVED = "resolved", "Шешілді / Решено"


class EscalationCause(models.TextChoices):
    MANUAL = "manual", "Оператор жіберді / Эскалация оператором"
    OVERDUE_MULTIPLE = "overdue_multiple", "Мерзімі бірнеше есе өтті / Просрочка в несколько сроков"
    REPEATED_NOT_DONE = "repeated_not_done", "Қайта-қайта орындалмады / Повторно не выполнено"
    REGIONAL_SCOPE = "regional_scope", "Облыстық маңызы бар нысан / Объект областного значения"


class Escalation(models.Model):
    schema = models.CharField("әкімдік / акимат (схема)", max_length=63)
    appeal_number = models.BigIntegerField("өтініш / обращение №")
    category = models.CharField(max_length=60, blank=True)
    cause = models.CharField(max_length=20, choices=EscalationCause.choices)
    reason = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=EscalationState.choices, default=EscalationState.OPEN)
    escalated_at = models.DateTimeField(help_text="when the akimat escalated it")
    escalated_by = models.CharField(max_length=40, blank=True, help_text="role at the akimat (no names)")
    received_at = models.DateTimeField(db_default=Now())
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "облысқа эскалация / эскалация в область"
        verbose_name_plural = "облысқа эскалациялар / эскалации в область"
        ordering = ["-escalated_at", "-id"]
        constraints = [
            # One escalation in work per appeal; a resolved one leaves room for a new one.
            models.UniqueConstraint(
                fields=["schema", "appeal_number"],
                condition=~Q(state="resolved"),
                name="regional_escalation_one_in_work",
            )
        ]
        indexes = [models.Index(fields=["state", "-escalated_at", "-id"], name="regional_escalation_queue")]

    def __str__(self) -> str:
        return f"{self.schema} №{self.appeal_number} ({self.state})"


class EntryKind(models.TextChoices):
    ESCALATED = "escalated", "Эскалация / Эскалация"
    ESCALATED_AGAIN = "escalated_again", "Қайта жіберілді / Повторная эскалация"
    ACCEPT = "accept", "Қабылданды / Принято"
    ASSIGN_BACK = "assign_back", "Нұсқаумен қайтарылды / Возвращено с поручением"
    RESOLVE = "resolve", "Шешілді / Решено"


class EscalationEntry(models.Model):
    """The escalation's history, append-only (the database refuses UPDATE and DELETE)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    comment = models.TextField(blank=True)
    actor_subject = models.CharField(max_length=200)
    actor_name = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=40)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="regional_entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_name}"
