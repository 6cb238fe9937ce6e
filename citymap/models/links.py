"""Which map object an appeal is about. Appeals keep their free-text `objectKey`; the link lives
here, so the map builds on appeals without changing them (phase 2 of issue 14 makes it a key of
the appeal itself)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from appeals.models import Appeal
from citymap.models.objects import MapObject


class LinkSource(models.TextChoices):
    OBJECT_KEY = "object_key", "objectKey"
    OPERATOR = "operator", "Оператор"
    OUTAGE = "outage", "Өшіру / Отключение"


class AppealObject(models.Model):
    appeal = models.OneToOneField(Appeal, on_delete=models.CASCADE, related_name="+")
    map_object = models.ForeignKey(MapObject, on_delete=models.CASCADE, related_name="appeal_links")
    source = models.CharField(max_length=12, choices=LinkSource.choices)
    linked_at = models.DateTimeField(db_default=Now())
    linked_by = models.CharField(max_length=200, blank=True, help_text="subject of who linked it")

    class Meta:
        indexes = [models.Index(fields=["map_object", "appeal"], name="appeal_object_object_idx")]

    def __str__(self) -> str:
        return f"{self.appeal_id} -> {self.map_object_id}"
