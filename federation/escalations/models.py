"""The region's escalation rules per category (public schema; every akimat applies them)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

EVERY_CATEGORY = "*"


class EscalationRule(models.Model):
    """When an appeal of a category goes to the regional queue by itself.

    The appeal's own category's rule applies, else its group's (parent), else the "*" rule; an empty
    field turns that trigger off.
    """

    category = models.CharField(
        "санат / категория", max_length=60, unique=True, help_text='category code, or "*" for all others'
    )
    overdue_multiple = models.PositiveSmallIntegerField(
        "мерзім еселігі / кратность срока",
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text="unanswered after this many SLA periods counted on the category's calendar (2 or more)",
    )
    not_done_times = models.PositiveSmallIntegerField(
        "орындалмады саны / сколько раз «не выполнено»",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="reported not done this many times",
    )
    regional_scope = models.BooleanField(
        "облыстық маңызы / областного значения",
        default=False,
        help_text="every appeal of the category goes to the region at once (inter-district roads, mains)",
    )
    is_active = models.BooleanField(default=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "эскалация ережесі / правило эскалации"
        verbose_name_plural = "эскалация ережелері / правила эскалации"
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overdue_multiple__isnull=True) | models.Q(overdue_multiple__gte=2),
                name="escalation_rule_overdue_multiple_at_least_two",
            ),
            models.CheckConstraint(
                condition=models.Q(not_done_times__isnull=True) | models.Q(not_done_times__gte=1),
                name="escalation_rule_not_done_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.category
