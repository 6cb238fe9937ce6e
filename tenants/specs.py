"""What onboarding is asked to create: one akimat's registry data."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry


@dataclass(frozen=True)
class TenantSpec:
    slug: str
    kato: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str = ""
    boundary: GEOSGeometry | None = None
    is_sandbox: bool = False  # the integrators' test akimat (tenants.sandbox)
