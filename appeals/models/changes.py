"""The akimat's own settings change log: who changed which catalogue entry, when, before and after.

Written by the catalogue's editing functions (`appeals/catalogue/`) in the same transaction as the
change; append-only in the database like the appeals' events (decision 22).
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models.functions import Now


class ChangeSubject(models.TextChoices):
    CATEGORY = "category", "Санат / Категория"
    ORGANISATION = "organisation", "Ұйым / Организация"
    PERSON = "person", "Жауапты тұлға / Ответственное лицо"
    ROUTING_RULE = "routing_rule", "Бағыттау ережесі / Правило маршрутизации"
    CALENDAR_EXCEPTION = "calendar_exception", "Күнтізбе ерекшелігі / Исключение календаря"
    EXCHANGE_SECRET = "exchange_secret", "АТС құпиясы / Секрет АТС"


class ChangeAction(models.TextChoices):
    CREATED = "created", "Қосылды / Создано"
    UPDATED = "updated", "Өзгертілді / Изменено"
    DELETED = "deleted", "Жойылды / Удалено"


class CatalogueChange(models.Model):
    subject = models.CharField(max_length=24, choices=ChangeSubject.choices)
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    # What a person recognises the entry by: a code, a date, a label (ids are shown too).
    object_key = models.CharField(max_length=200)
    object_id = models.BigIntegerField(null=True, blank=True)
    # Field -> value, only the fields that changed (whole entry on create and delete).
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    actor_subject = models.CharField(max_length=200)
    actor_name = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=40)
    at = models.DateTimeField(db_default=Now())
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="catalogue_change_recent_idx"),
            models.Index(fields=["subject", "object_id"], name="catalogue_change_object_idx"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="catalogue_change_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_key} {self.action}"
