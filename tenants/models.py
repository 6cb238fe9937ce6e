"""The tenant registry: the region (public schema) and each akimat (one schema each)."""

from __future__ import annotations

from django.contrib.gis.db import models
from django_tenants.models import DomainMixin, TenantMixin


class AkimatKind(models.TextChoices):
    REGION = "region", "Облыс / Область"
    CITY = "city", "Қала / Город"
    DISTRICT = "district", "Аудан / Район"


class AkimatQuerySet(models.QuerySet):
    def in_region(self) -> AkimatQuerySet:
        """The region's real akimats: the sandbox is no part of the region's lists and figures."""
        return self.filter(is_sandbox=False)


class Akimat(TenantMixin):
    """One 109 line: a city or district akimat. The region itself is the public-schema row."""

    slug = models.SlugField(max_length=40, unique=True)
    kato = models.CharField("KATO", max_length=9, unique=True)
    kind = models.CharField(max_length=10, choices=AkimatKind.choices)
    name_kk = models.CharField(max_length=120)
    name_ru = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    boundary = models.MultiPolygonField(srid=4326)
    is_active = models.BooleanField(default=True)
    # The integrators' test akimat (decision 79): its appeals live the full 109 life, but nothing
    # of it reaches 112, the region's read model or another akimat. Set at onboarding, never later.
    # db_default: the previous release's inserts, which do not name the column, stay valid (decision 81).
    is_sandbox = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AkimatQuerySet.as_manager()

    # Onboarding creates the schema itself, inside its own transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["kato"]
        indexes = [models.Index(fields=["is_active"])]

    def __str__(self) -> str:
        return f"{self.name_ru} ({self.slug})"

    @property
    def is_region(self) -> bool:
        return self.kind == AkimatKind.REGION


class Domain(DomainMixin):
    """A host name served by one akimat (or by the region)."""

    def __str__(self) -> str:
        return self.domain
