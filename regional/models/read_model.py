"""The regional read model: one row per appeal of every akimat (no personal data), and the tallies
the KPIs are summed from, kept up to date by the same transaction that applies an appeal's message.

Tallies have a scope (an akimat's schema, or "*" for the whole region) and a category (a code, ""
for unclassified, or "*" for all), so a consolidated figure reads a handful of rows whatever the
number of akimats.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from appeals.states import ACTIVE_STATUSES
from regional.histogram import COLUMNS

ALL = "*"  # scope: the whole region; category: every category


class AppealFact(models.Model):
    """An akimat's appeal as its latest message described it: state only, never the applicant."""

    schema = models.CharField("әкімдік / акимат (схема)", max_length=63)
    number = models.BigIntegerField("нөмір / номер")
    # Id of the akimat's latest appeal event this state reflects: a message with a lower one is older.
    version = models.BigIntegerField()
    category = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20)
    priority = models.CharField(max_length=10)
    channel = models.CharField(max_length=12)
    received_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="to the akimat's supervisor")
    is_repeat = models.BooleanField(default=False)
    repeat_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)
    transferred_to = models.CharField(max_length=40, null=True, blank=True)
    transferred_from = models.CharField(max_length=40, null=True, blank=True)
    origin_number = models.BigIntegerField(null=True, blank=True)
    regional_escalation = models.CharField(max_length=20, null=True, blank=True)
    updated_at = models.DateTimeField(help_text="when the region applied the latest message")

    class Meta:
        verbose_name = "өтініш (облыс көрінісі) / обращение (сводка области)"
        verbose_name_plural = "өтініштер (облыс көрінісі) / обращения (сводка области)"
        constraints = [models.UniqueConstraint(fields=["schema", "number"], name="regional_fact_unique")]
        indexes = [
            # The overdue list, region-wide and per akimat, most overdue first.
            models.Index(
                fields=["deadline", "id"],
                name="regional_fact_overdue",
                condition=Q(status__in=sorted(ACTIVE_STATUSES), overdue_at__isnull=False),
            ),
            models.Index(
                fields=["schema", "deadline", "id"],
                name="regional_fact_overdue_akimat",
                condition=Q(status__in=sorted(ACTIVE_STATUSES), overdue_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schema} №{self.number} ({self.status})"


class StatusCount(models.Model):
    """How many appeals are in each status now, and how many of them are overdue."""

    scope = models.CharField(max_length=63)
    category = models.CharField(max_length=60)
    status = models.CharField(max_length=20)
    count = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0, help_text="open and marked overdue by the akimat's monitor")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "category", "status"], name="regional_status_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.category}/{self.status}={self.count}"


class DailyTally(models.Model):
    """Per day (Asia/Almaty): appeals received (and repeats among them) that day, answered that day
    (and by the deadline), closed that day with the histogram of their time to close (h00..h56)."""

    scope = models.CharField(max_length=63)
    category = models.CharField(max_length=60)
    day = models.DateField()
    received = models.IntegerField(default=0)
    repeats = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "category", "day"], name="regional_daily_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.category}/{self.day}"


for _column in COLUMNS:
    DailyTally.add_to_class(_column, models.IntegerField(default=0))


class CategoryLabel(models.Model):
    """Names of the category codes the akimats use (the catalogue is shipped to all of them)."""

    code = models.CharField(max_length=60, unique=True)
    parent = models.CharField(max_length=60, blank=True)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
