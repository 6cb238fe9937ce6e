"""What the 109 line knows of an appeal it forwarded to 112: the services asked for, 112's status
with its dates, and the alarms 112's watchdog raised for the akimat's supervisor.

The rows are written only by `appeals.emergency.actions`, from the operator's forward and from the
messages the region sends back (the akimat never reads the regional 112 register itself).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Now

from appeals.models.appeal import Appeal
from appeals.models.catalogue import Service112


class EmergencyStatus(models.TextChoices):
    FORWARDED = "forwarded", "112-ге жіберілді / Передано в 112"
    RECEIVED = "received", "112 алды / Поступило в 112"
    ACKNOWLEDGED = "acknowledged", "112 қабылдады / Принято 112"
    DISPATCHED = "dispatched", "Күштер жіберілді / Направлены силы"
    ON_SCENE = "on_scene", "Оқиға орнында / На месте"
    CLOSED = "closed", "112 жабды / Закрыто 112"
    REJECTED = "rejected", "Төтенше емес / Не экстренный"


# 112 still works on it (or has not answered yet).
OPEN_EMERGENCY_STATUSES = frozenset(
    {
        EmergencyStatus.FORWARDED,
        EmergencyStatus.RECEIVED,
        EmergencyStatus.ACKNOWLEDGED,
        EmergencyStatus.DISPATCHED,
        EmergencyStatus.ON_SCENE,
    }
)


class EmergencyForward(models.Model):
    """One per forwarded appeal; a forward again (more services, after a rejection) updates it."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="emergency")
    services = ArrayField(models.CharField(max_length=3, choices=Service112.choices))
    status = models.CharField(max_length=20, choices=EmergencyStatus.choices)
    incident_id = models.CharField(max_length=300, blank=True, help_text="EIDO $id, from 112's first status")
    forward_note = models.TextField(blank=True, help_text="the operator's note with the last forward")
    dispatcher_note = models.TextField(blank=True, help_text="the note of 112's last status")
    rejection_note = models.TextField(blank=True)
    unit = models.CharField(max_length=500, blank=True)
    forwards = models.PositiveIntegerField(default=1)
    forwarded_at = models.DateTimeField(help_text="the 109 line's last forward")
    received_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(help_text="when 112's status (or the forward) last changed")

    def __str__(self) -> str:
        return f"№{self.appeal_id} 112:{self.status}"


class EmergencyAlarmKind(models.TextChoices):
    # Raised by the regional 112 watchdog: 112 has the incident but did not acknowledge it in time.
    NOT_ACKNOWLEDGED = "not_acknowledged", "112 қабылдамады / Не принято 112"
    # Raised here: 112 has not reported receiving the forward in time (the message is stuck, in
    # the dead letters or the region is down); the region cannot see what it never got.
    NOT_RECEIVED = "not_received", "112 алмады / Не дошло до 112"


class EmergencyAlarm(models.Model):
    """An alarm about one of this akimat's forwarded appeals, for its supervisor: from the regional
    112 watchdog (`alarm_id` set) or from this akimat's own forward watchdog (`alarm_id` empty)."""

    alarm_id = models.BigIntegerField(unique=True, null=True, blank=True, help_text="the region's alarm id")
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="emergency_alarms")
    kind = models.CharField(max_length=30)
    text = models.TextField()
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(
                fields=["-raised_at"], name="emergency_alarm_open_idx", condition=models.Q(resolved_at=None)
            )
        ]
        constraints = [
            # Concurrent watchdog runs raise one open local alarm per appeal and kind.
            models.UniqueConstraint(
                fields=["appeal", "kind"],
                name="emergency_alarm_one_open_local",
                condition=models.Q(alarm_id=None, resolved_at=None),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} №{self.appeal_id}"
