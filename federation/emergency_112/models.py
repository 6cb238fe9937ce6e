"""The regional 112 register (public schema): centres, incidents, their events, alarms.

What leaves the register (statuses to akimats, documents to CADs) is a federation message.
"""

from __future__ import annotations

import datetime

import pgtrigger
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.utils import timezone


def validate_endpoint(url: str) -> None:
    if not url:
        return
    if url.startswith("https://"):
        return
    if url.startswith("http://") and settings.EMERGENCY_CAD_ALLOW_PLAIN_HTTP:
        return
    raise ValidationError("a CAD endpoint must be an https:// URL")


class EmergencyCentre(models.Model):
    """A 112 centre the region knows; one is primary (receives the region's forwarded incidents)."""

    slug = models.SlugField(max_length=40, unique=True)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_primary = models.BooleanField(default=False)
    runs_own_cad = models.BooleanField(default=False, help_text="Documents are also sent to its CAD endpoint")
    endpoint_url = models.URLField(blank=True, validators=[validate_endpoint])
    # The shared HMAC secret must be readable to sign; keep the database itself protected.
    secret = models.CharField(max_length=200, blank=True)
    # While a rotation overlaps, the CAD's callbacks may still be signed with the secret before.
    previous_secret = models.CharField(max_length=200, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_primary"],
                condition=models.Q(is_primary=True),
                name="emergency_one_primary_centre",
            ),
            models.CheckConstraint(
                condition=models.Q(runs_own_cad=False) | (~models.Q(endpoint_url="") & ~models.Q(secret="")),
                name="emergency_cad_needs_endpoint_and_secret",
            ),
        ]

    def __str__(self) -> str:
        return self.name_ru

    def accepted_secrets(self, now: datetime.datetime) -> list[str]:
        """Secrets a callback may be signed with: the current one, and the previous one until its
        overlap ends. What iKOMEK sends is always signed with the current one."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            secrets.append(self.previous_secret)
        return secrets


class IncidentState(models.TextChoices):
    RECEIVED = "received", "Қабылданды / Поступил"
    ACKNOWLEDGED = "acknowledged", "Қабылдады / Принят"
    DISPATCHED = "dispatched", "Жіберілді / Направлены силы"
    ON_SCENE = "on_scene", "Оқиға орнында / На месте"  # noqa: RUF001 - Cyrillic UI text
    CLOSED = "closed", "Жабылды / Закрыт"
    REJECTED = "rejected", "Төтенше емес / Не экстренный"  # noqa: RUF001 - Cyrillic UI text


FINAL_STATES = (IncidentState.CLOSED, IncidentState.REJECTED)


class Incident(models.Model):
    eido_id = models.CharField("EIDO $id", max_length=300, unique=True)
    centre = models.ForeignKey(EmergencyCentre, null=True, blank=True, on_delete=models.PROTECT)
    source_schema = models.CharField(max_length=63)
    source_akimat = models.ForeignKey("tenants.Akimat", on_delete=models.PROTECT)
    appeal_number = models.CharField(max_length=40)
    services = ArrayField(models.CharField(max_length=3))
    priority = models.PositiveSmallIntegerField(help_text="1 = highest … 5 = lowest")
    category_kk = models.CharField(max_length=300)
    category_ru = models.CharField(max_length=300)
    caller_name = models.CharField(max_length=200)
    caller_phone = models.CharField(max_length=20)
    callback_number = models.CharField(max_length=20)
    caller_language = models.CharField(max_length=2)
    address_text = models.CharField(max_length=500)
    location = models.PointField(srid=4326, null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    map_object_id = models.CharField(max_length=100, blank=True)
    map_object_name = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=IncidentState.choices, default=IncidentState.RECEIVED)
    unit = models.CharField(max_length=500, blank=True, help_text="Unit or crew dispatched")
    rejection_note = models.TextField(blank=True)
    document = models.JSONField(help_text="The last requestForService received")
    document_version = models.PositiveIntegerField(default=1)
    document_sent_at = models.DateTimeField(help_text="sentAt of the document applied last")
    created = models.DateTimeField(help_text="When the 109 line registered the appeal")
    received_at = models.DateTimeField(default=timezone.now)
    awaiting_ack_since = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The inbox's lists (federation/emergency_112/inbox.py), each read in its index's order.
            models.Index(
                fields=["priority", "received_at", "id"],
                condition=~models.Q(state__in=["closed", "rejected"]),
                name="emergency_inbox_open",
            ),
            models.Index(
                fields=["-finished_at", "-id"],
                condition=models.Q(state__in=["closed", "rejected"]),
                name="emergency_inbox_finished",
            ),
            models.Index(fields=["updated_at"], name="emergency_incident_updated"),
            models.Index(
                fields=["awaiting_ack_since", "id"],  # the watchdog's, and the inbox's newest
                condition=models.Q(state="received"),
                name="emergency_awaiting_ack",
            ),
        ]

    def __str__(self) -> str:
        return self.eido_id

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class ReceivedDocument(models.Model):
    """Every forwarded message taken in, by id: a repeat is a no-op, an older one is not applied."""

    message_id = models.UUIDField(unique=True)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="received_documents")
    sent_at = models.DateTimeField()
    applied = models.BooleanField(help_text="False when a newer document had already been applied")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]


class EventKind(models.TextChoices):
    RECEIVED = "received", "received"
    UPDATED = "updated", "document updated"
    TRANSITION = "transition", "state change"


@pgtrigger.register(
    pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class IncidentEvent(models.Model):
    """Append-only history of an incident (the database refuses UPDATE and DELETE)."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor_subject = models.CharField(max_length=300)
    actor_issuer = models.CharField(max_length=300, blank=True)
    actor_name = models.CharField(max_length=300, blank=True)
    actor_kind = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    unit = models.CharField(max_length=500, blank=True)
    document_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.from_state}->{self.to_state}"


class AlarmKind(models.TextChoices):
    NOT_ACKNOWLEDGED = "not_acknowledged", "Қабылданбады / Не принят 112"  # noqa: RUF001 - Cyrillic UI text
    CAD_UNDELIVERABLE = "cad_undeliverable", "CAD жеткізілмеді / Не доставлено в CAD"  # noqa: RUF001 - Cyrillic UI text


class AlarmRecipient(models.TextChoices):
    SUPERVISOR_109 = "supervisor_109", "109 супервайзері / Супервайзер 109"
    DUTY_OFFICER_112 = "duty_officer_112", "112 кезекші / Дежурный 112"


class IncidentAlarm(models.Model):
    """Raised once per incident, kind and recipient (unique), resolved when the cause is gone."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="alarms")
    kind = models.CharField(max_length=30, choices=AlarmKind.choices)
    recipient = models.CharField(max_length=30, choices=AlarmRecipient.choices)
    tenant_schema = models.CharField(max_length=63, blank=True, help_text="For the 109 supervisor")
    message = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "id"]
        indexes = [  # the inbox's alarm bar counts the open ones
            models.Index(
                fields=["recipient", "kind"],
                condition=models.Q(resolved_at__isnull=True),
                name="emergency_open_alarms",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["incident", "kind", "recipient"], name="emergency_alarm_once"),
        ]
