"""What an appeal knows of other akimats and of the region: a proposed or done transfer, where it came
from, and its regional escalation. Written only by appeals.transfers.actions and
appeals.actions.regional_escalation (the federation layer calls them when its messages arrive)."""

from __future__ import annotations

from django.db import models


class RegionalEscalationState(models.TextChoices):
    OPEN = "open", "Облыс кезегінде / В очереди области"
    ACCEPTED = "accepted", "Облыс қабылдады / Принято областью"
    ASSIGNED_BACK = "assigned_back", "Нұсқаумен қайтарылды / Возвращено с поручением"
    RESOLVED = "resolved", "Облыс шешті / Решено областью"


class CrossTenantFields(models.Model):
    # Akimats by slug: what people and the API name them by (the registry maps slug <-> schema).
    transfer_proposal = models.CharField(
        max_length=40, null=True, blank=True, help_text="akimat whose boundary covers the location"
    )
    transferred_to = models.CharField(max_length=40, null=True, blank=True)
    transferred_to_number = models.BigIntegerField(null=True, blank=True)
    transferred_to_status = models.CharField(max_length=20, null=True, blank=True)
    transferred_to_status_at = models.DateTimeField(null=True, blank=True)
    # Where the appeal is handled when the akimat it was transferred to passed it on (a chain).
    handled_by = models.CharField(max_length=40, null=True, blank=True)
    handled_by_number = models.BigIntegerField(null=True, blank=True)
    transferred_from = models.CharField(max_length=40, null=True, blank=True)
    origin_number = models.BigIntegerField(null=True, blank=True, help_text="number at the sending akimat")
    regional_escalation = models.CharField(
        max_length=20, choices=RegionalEscalationState.choices, null=True, blank=True
    )
    regional_escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
