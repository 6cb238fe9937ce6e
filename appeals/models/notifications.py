"""Notifications as rows (an outbox): later channels (SMS, e-mail, console) deliver them."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from appeals.models.appeal import Appeal
from appeals.models.catalogue import Organisation, ResponsiblePerson


class NotificationKind(models.TextChoices):
    SLA_WARNING = "sla_warning", "Мерзім жақындады / Срок подходит"
    OVERDUE = "overdue", "Мерзімі өтті / Просрочено"
    ESCALATION = "escalation", "Жетекшіге / Эскалация"
    ASSIGNED = "assigned", "Жаңа өтініш / Новое обращение"


class Notification(models.Model):
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="notifications")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    person = models.ForeignKey(ResponsiblePerson, null=True, blank=True, on_delete=models.PROTECT)
    recipient_role = models.CharField(max_length=40, blank=True, help_text="e.g. supervisor of the 109 line")
    text_kk = models.TextField()
    text_ru = models.TextField()
    created_at = models.DateTimeField(db_default=Now())
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_undelivered_idx",
                condition=models.Q(delivered_at=None),
            ),
            # The console's inbox: a person's notices, newest first.
            models.Index(fields=["-created_at", "-id"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.appeal_id}"


class NotificationRead(models.Model):
    """A person saw a notice in the console. Each reader has their own: one supervisor reading an
    escalation does not read it for the others."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    reader = models.CharField(max_length=255, help_text="the person's subject (Keycloak sub)")
    read_at = models.DateTimeField(db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "reader"], name="notification_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.reader} read #{self.notification_id}"
