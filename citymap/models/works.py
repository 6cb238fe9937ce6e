"""Works on a map object, planned and done (a repair, a replacement): the object's card lists them."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from appeals.models import Organisation
from citymap.models.objects import MapObject


class WorkStatus(models.TextChoices):
    PLANNED = "planned", "Жоспарланған / Запланировано"
    IN_PROGRESS = "in_progress", "Орындалуда / Выполняется"
    DONE = "done", "Орындалды / Выполнено"


class ObjectWork(models.Model):
    map_object = models.ForeignKey(MapObject, on_delete=models.CASCADE, related_name="works")
    title_kk = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300)
    status = models.CharField(max_length=12, choices=WorkStatus.choices, default=WorkStatus.PLANNED)
    planned_start = models.DateField()
    planned_end = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-planned_start", "-id"]
        indexes = [models.Index(fields=["map_object", "-planned_start"], name="object_work_object_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="object_work_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="object_work_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.map_object_id}: {self.title_ru} ({self.status})"
