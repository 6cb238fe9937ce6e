"""Known outages: a planned or emergency shutdown of heating, water, power or gas over a set of
buildings, picked on the map or reached through a network object. Calls about it are linked to it
(the first call carries its one work order, the next ones are its repeats); when it ends, its
callers wait in the call-back queue."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from appeals.models import Appeal, Category, Organisation, ResponsiblePerson
from citymap.models.objects import MapObject


class OutageKind(models.TextChoices):
    HEATING = "heating", "Жылу / Отопление"
    HOT_WATER = "hot_water", "Ыстық су / Горячая вода"
    COLD_WATER = "cold_water", "Суық су / Холодная вода"
    POWER = "power", "Электр қуаты / Электроэнергия"
    GAS = "gas", "Газ / Газ"


class OutageNature(models.TextChoices):
    PLANNED = "planned", "Жоспарлы / Плановое"
    EMERGENCY = "emergency", "Апаттық / Аварийное"


class Outage(models.Model):
    kind = models.CharField(max_length=12, choices=OutageKind.choices)
    nature = models.CharField(max_length=10, choices=OutageNature.choices)
    cause = models.TextField()
    starts_at = models.DateTimeField()
    expected_end_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The network object it was declared through (a boiler house, a substation), if any.
    source_object = models.ForeignKey(
        MapObject, null=True, blank=True, on_delete=models.PROTECT, related_name="outages_from"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        ResponsiblePerson, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The category its calls are registered in (heating, hot-water, ...).
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    # The appeal that carries the outage's work order: its first call (the next ones repeat it).
    lead_appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(db_default=Now())
    declared_by = models.CharField(max_length=200)
    declared_by_name = models.CharField(max_length=200, blank=True)
    ended_by = models.CharField(max_length=200, blank=True)
    ended_by_name = models.CharField(max_length=200, blank=True)
    end_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(
                fields=["starts_at"], name="outage_open_idx", condition=models.Q(ended_at__isnull=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_end_at__gt=models.F("starts_at")), name="outage_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.nature} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class OutageBuilding(models.Model):
    """A building the outage reaches; `via` is the network object it reaches it through (blank when
    picked on the map)."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="buildings")
    building = models.ForeignKey(MapObject, on_delete=models.PROTECT, related_name="outage_links")
    via = models.ForeignKey(MapObject, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["outage", "building"], name="outage_building_unique")]
        indexes = [models.Index(fields=["building", "outage"], name="outage_building_building_idx")]

    def __str__(self) -> str:
        return f"{self.outage_id}: {self.building_id}"


class OutageLink(models.Model):
    """A call (an appeal) linked to the outage; each appeal belongs to one outage at most."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="links")
    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="+")
    as_lead = models.BooleanField(default=False)
    linked_at = models.DateTimeField(db_default=Now())
    linked_by = models.CharField(max_length=200)
    linked_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["linked_at", "id"]
        indexes = [models.Index(fields=["outage", "linked_at"], name="outage_link_outage_idx")]

    def __str__(self) -> str:
        return f"{self.outage_id}: appeal {self.appeal_id}"
