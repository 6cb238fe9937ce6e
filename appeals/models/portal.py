"""Photos of a refused portal form, kept for the form's key until it is sent again (decision 109)."""

from __future__ import annotations

from django.db import connection, models
from django.db.models.functions import Now


def kept_prefix() -> str:
    """Outside the attachments' folder (`appeals/<schema>/`): the download view, the federation's
    copy and the orphan sweep never see a kept photo, whoever names its path."""
    return f"portal-kept/{connection.schema_name}/"


def kept_photo_path(instance: KeptPhoto, filename: str) -> str:
    return f"{kept_prefix()}{instance.token}{instance.extension}"


class KeptPhoto(models.Model):
    form_key = models.CharField(max_length=40, db_index=True)
    token = models.UUIDField(unique=True)
    file = models.FileField(upload_to=kept_photo_path, max_length=300)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    kept_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
