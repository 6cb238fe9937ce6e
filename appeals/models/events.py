"""The append-only event log of appeals: who did what, when, from which status to which.

UPDATE and DELETE are refused by a database trigger (django-pgtrigger), which lives in the
migrations and is therefore cloned into every tenant schema with the template.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models.functions import Now

from appeals.models.appeal import Appeal


class EventKind(models.TextChoices):
    CREATED = "created", "Қабылданды / Принято"
    TRANSITION = "transition", "Мәртебе өзгерді / Смена статуса"
    SLA_WARNING = "sla_warning", "Мерзім жақындады / Срок подходит"
    OVERDUE = "overdue", "Мерзімі өтті / Просрочено"
    ESCALATED = "escalated", "Жетекшіге жіберілді / Эскалация руководителю"
    CALLBACK_ATTEMPT = "callback_attempt", "Кері қоңырау / Обратный звонок"
    REPEAT_LINKED = "repeat_linked", "Қайталама ретінде байланысты / Привязано как повтор"
    REPEAT_ADDED = "repeat_added", "Қайталама қосылды / Добавлен повтор"
    KEPT_SEPARATE = "kept_separate", "Жеке қалдырылды / Оставлено отдельным"
    ATTACHMENT_ADDED = "attachment_added", "Файл қосылды / Добавлен файл"
    EMERGENCY_STATUS = "emergency_status", "112 мәртебесі / Статус в 112"
    EMERGENCY_ALARM = "emergency_alarm", "112 дабылы / Тревога 112"
    # Across akimats and to the region (messages of the federation layer; see appeals.actions).
    TRANSFER_PROPOSED = "transfer_proposed", "Беру ұсынылды / Предложена передача"
    TRANSFER_RECEIVED = "transfer_received", "Басқа әкімдіктен келді / Получено от другого акимата"
    TRANSFER_PROGRESS = "transfer_progress", "Алған әкімдіктегі мәртебе / Статус у получателя"
    REGIONAL_ESCALATION = "regional_escalation", "Облысқа жіберілді / Эскалация в область"
    REGIONAL_DECISION = "regional_decision", "Облыс шешімі / Решение области"


class AppealEvent(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    transition = models.CharField(max_length=20, blank=True)
    actor_subject = models.CharField(max_length=200)
    actor_name = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=40)
    at = models.DateTimeField(db_default=Now())
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["appeal", "at", "id"], name="appeal_event_history_idx")]
        triggers = [
            pgtrigger.Protect(name="appeal_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # The appeal's place in the change feed (AppealChangeMark) in the statement that writes
            # the event: no round trip of its own, and no writer of events can forget it.
            pgtrigger.Trigger(
                name="appeal_event_marks_change",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func=(
                    "INSERT INTO appeals_appealchangemark (appeal_id, last_event_id, changed_at, change_xid)"
                    " VALUES (NEW.appeal_id, NEW.id, NEW.at, pg_current_xact_id()::text::bigint)"
                    " ON CONFLICT (appeal_id) DO UPDATE SET last_event_id = EXCLUDED.last_event_id,"
                    " changed_at = EXCLUDED.changed_at, change_xid = EXCLUDED.change_xid; RETURN NULL;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_status}->{self.to_status}"
