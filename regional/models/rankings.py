"""The places each akimat's appeals are most about, as its city map last reported them
(`map.ranking`): one row per akimat, replaced whole by a newer report."""

from __future__ import annotations

from django.db import models


class PlaceRanking(models.Model):
    schema = models.CharField("әкімдік / акимат (схема)", max_length=63, unique=True)
    computed_at = models.DateTimeField(help_text="when the akimat counted")
    since = models.DateTimeField()
    until = models.DateTimeField()
    places = models.JSONField(default=list, help_text="the map.ranking payload's places, most appeals first")

    class Meta:
        verbose_name = "орындар рейтингі / рейтинг мест"
        verbose_name_plural = "орындар рейтингі / рейтинги мест"

    def __str__(self) -> str:
        return f"{self.schema} {self.computed_at:%Y-%m-%d %H:%M}"
