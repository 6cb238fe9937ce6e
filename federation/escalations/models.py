"""The region's escalation rules per category (public schema; every akimat applies them) and the log
of their changes (who, when, what), written in each edit's transaction."""

from __future__ import annotations

import pgtrigger
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

EVERY_CATEGORY = "*"


class EscalationRule(models.Model):
    """When an appeal of a category goes to the regional queue by itself.

    The appeal's own category's rule applies, else its group's (parent), else the "*" rule; an empty
    field turns that trigger off, and a rule with none on is a category kept out of the others.
    """

    category = models.CharField(
        _("Category"),
        max_length=60,
        unique=True,
        help_text=_('A category code, or "*" for all other categories'),
    )
    overdue_multiple = models.PositiveSmallIntegerField(
        _("SLA periods without an answer"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text=_("Unanswered after this many SLA periods counted on the category's calendar (2 or more)"),
    )
    not_done_times = models.PositiveSmallIntegerField(
        _("Times reported not done"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Reported not done this many times (1 or more)"),
    )
    regional_scope = models.BooleanField(
        _("Of regional importance"),
        default=False,
        help_text=_("Every appeal of the category goes to the region at once (inter-district roads, mains)"),
    )
    is_active = models.BooleanField(_("In force"), default=True)
    note = models.CharField(_("Note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
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


class RuleChangeAction(models.TextChoices):
    CREATE = "create", _("added")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class EscalationRuleChange(models.Model):
    """One edit of a rule: the fields that changed, before and after (all of them on create and
    delete), by whom and when. Append-only, like the akimats' catalogue change log (decision 61)."""

    action = models.CharField(_("Action"), max_length=10, choices=RuleChangeAction.choices)
    rule_id = models.BigIntegerField(_("Rule"), null=True, blank=True)  # the rule may be deleted since
    category = models.CharField(_("Category"), max_length=60)
    before = models.JSONField(_("Before"), default=dict, blank=True)
    after = models.JSONField(_("After"), default=dict, blank=True)
    actor_subject = models.CharField(max_length=200)
    actor_name = models.CharField(_("Who"), max_length=200)
    actor_role = models.CharField(max_length=40)
    at = models.DateTimeField(_("When"), db_default=Now())

    class Meta:
        verbose_name = _("escalation rule change")
        verbose_name_plural = _("escalation rule changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["-at", "-id"], name="escalation_rule_change_at_idx")]
        triggers = [
            pgtrigger.Protect(
                name="escalation_rule_change_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.action}"
