"""The appeal: one message to the 109 line, from intake to call-back."""

from __future__ import annotations

import datetime

from django.contrib.gis.db import models
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Now

from appeals.models.catalogue import Category, Organisation, Priority, ResponsiblePerson
from appeals.models.cross_tenant import CrossTenantFields
from appeals.states import ACTIVE_STATUSES, Status

# The appeal number is read out on the phone: a per-tenant sequence (every schema has its own).
NUMBER_SEQUENCE = "appeals_appeal_number_seq"
# Sorting by deadline puts appeals without one (not yet classified) after every dated one; the
# same expression is indexed, so "due soonest" pages stay fast on a million appeals.
NO_DEADLINE = datetime.datetime(9999, 1, 1, tzinfo=datetime.UTC)
DEADLINE_KEY = Coalesce("deadline", Value(NO_DEADLINE))


class Channel(models.TextChoices):
    LANDLINE = "landline", "Қалалық телефон / Городской телефон"
    MOBILE = "mobile", "Ұялы телефон / Мобильный телефон"
    WEB = "web", "Сайт"
    MOBILE_APP = "mobile_app", "Мобильді қосымша / Мобильное приложение"
    API = "api", "API"
    WALK_IN = "walk_in", "Жеке келу / Личный приём"


class Language(models.TextChoices):
    """The language the applicant speaks to the 109 line (call-backs and 112 use it)."""

    KK = "kk", "Қазақ тілі / Казахский"
    RU = "ru", "Орыс тілі / Русский"


class CancelReason(models.TextChoices):
    DUPLICATE = "duplicate", "Қайталама / Повторное"
    SPAM = "spam", "Спам"


class Appeal(CrossTenantFields, models.Model):
    number = models.BigIntegerField(
        unique=True, db_default=models.Func(models.Value(NUMBER_SEQUENCE), function="nextval")
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField(db_default=Now())
    channel = models.CharField(max_length=12, choices=Channel.choices)
    # A retried create with the same key returns the first appeal (unique, so also under concurrency):
    # a constraint in Meta, not unique=True, which would add a pattern index no lookup uses.
    client_key = models.CharField(max_length=100, null=True, blank=True)
    # The canonical digest of the request that used the key (appeals.rules.idempotency): the same key
    # with another request is refused. Blank for appeals without a key or older than the digests.
    client_key_digest = models.CharField(max_length=64, blank=True, db_default="")
    # Given to the citizen at intake: with the number it opens public tracking (appeals.tracking).
    # Blank for appeals older than the codes, which it then never opens.
    access_code = models.CharField(max_length=8, blank=True, db_default="")

    applicant_name = models.CharField(max_length=200, blank=True)
    applicant_phone = models.CharField(max_length=16, blank=True, help_text="E.164")
    applicant_iin = models.CharField(max_length=12, blank=True)
    # Blank: not said (112 then guesses from the description's letters).
    applicant_language = models.CharField(max_length=2, choices=Language.choices, blank=True, db_default="")

    address = models.CharField(max_length=300, blank=True)
    location = models.PointField(srid=4326, null=True, blank=True)
    object_key = models.CharField(max_length=100, blank=True, help_text="map object (building, yard...)")
    description = models.TextField()

    # No index of their own: appeal_category_idx and appeal_organisation_idx lead with them (every index
    # is written on each intake, decision 86).
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals", db_index=False
    )
    assignee = models.ForeignKey(
        ResponsiblePerson, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )

    received_at = models.DateTimeField(db_default=Now())
    registered_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="done, not done or rejected")
    informed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA: the deadline counts from intake (or from reopening); the monitor stamps the rest.
    deadline = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    resolution = models.TextField(blank=True)
    cancel_reason = models.CharField(max_length=10, choices=CancelReason.choices, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    repeat_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)
    callback_reached = models.BooleanField(null=True, blank=True)
    callback_satisfied = models.BooleanField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="appeal_received_idx"),
            models.Index(fields=["status", "-received_at"], name="appeal_status_idx"),
            models.Index(fields=["category", "-received_at"], name="appeal_category_idx"),
            models.Index(fields=["organisation", "-received_at"], name="appeal_organisation_idx"),
            models.Index(fields=["applicant_phone", "-received_at"], name="appeal_phone_idx"),
            models.Index(
                fields=["deadline"],
                name="appeal_open_deadline_idx",
                condition=models.Q(status__in=sorted(ACTIVE_STATUSES)),
            ),
            models.Index(DEADLINE_KEY, F("id"), name="appeal_deadline_order_idx"),
            # The operator's search by address words (`address__icontains`) has a trigram index,
            # appeal_address_trgm_idx, made by SQL in migration 0013 (an operator class in an index
            # needs django.contrib.postgres installed, which this project does not need otherwise).
            # The location's GiST index comes with the PointField (spatial_index).
        ]
        constraints = [
            models.UniqueConstraint(fields=["client_key"], name="appeal_client_key_unique"),
            models.CheckConstraint(
                condition=models.Q(applicant_iin="") | models.Q(applicant_iin__regex=r"^\d{12}$"),
                name="appeal_iin_twelve_digits",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.CANCELLED) | ~models.Q(cancel_reason=""),
                name="appeal_cancel_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"№{self.number} ({self.status})"


def tenant_prefix() -> str:
    """Every file of this akimat lives under this folder of the media storage."""
    return prefix_of(connection.schema_name)


def prefix_of(schema_name: str) -> str:
    """The folder of one akimat's files (the federation copies a transferred appeal's from it)."""
    return f"appeals/{schema_name}/"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Files live under the tenant's own folder; the download view checks the same prefix."""
    return f"{tenant_prefix()}{instance.appeal_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    token = models.UUIDField(unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=300)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(db_default=Now())
    uploaded_by = models.CharField(max_length=200)
    # Chosen by the sender (a phone's upload queue): a resend after a lost answer finds the stored
    # file instead of storing it twice. Unique per appeal, blank for files sent without one.
    client_key = models.CharField(max_length=100, blank=True, db_default="")

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "client_key"],
                condition=~models.Q(client_key=""),
                name="attachment_client_key_unique",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
