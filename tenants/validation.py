"""Checks an akimat's registry data before anything is written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from tenants.models import AkimatKind

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
KATO_PATTERN = re.compile(r"^\d{9}$")
# North Kazakhstan region's KATO prefix; every tenant of this deployment lies in it.
REGION_KATO_PREFIX = "59"
RESERVED_SLUGS = frozenset(
    {"www", "api", "admin", "public", "region", "static", "media", "auth", "keycloak", "tenant-template"}
)


@dataclass(frozen=True)
class ValidationProblem:
    field: str
    code: str
    message: str


class TenantValidationError(ValueError):
    """Carries every problem found, each with field, code and message."""

    def __init__(self, problems: list[ValidationProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


def schema_name_for(slug: str) -> str:
    """PostgreSQL schema names cannot hold a hyphen without quoting: use underscores."""
    return slug.replace("-", "_")


def check_slug(slug: str) -> list[ValidationProblem]:
    if not SLUG_PATTERN.match(slug or ""):
        return [
            ValidationProblem(
                "slug",
                "invalid",
                f"slug {slug!r} must be 3-40 lowercase Latin letters, digits or hyphens, "
                "starting with a letter and not ending with a hyphen",
            )
        ]
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        return [ValidationProblem("slug", "reserved", f"slug {slug!r} is reserved")]
    return []


def check_kato(kato: str, kind: str) -> list[ValidationProblem]:
    """A city or district KATO code: 9 digits, in this region, with no rural part."""
    if not KATO_PATTERN.match(kato or ""):
        return [ValidationProblem("kato", "invalid", f"KATO code {kato!r} must be exactly 9 digits")]
    if not kato.startswith(REGION_KATO_PREFIX):
        return [
            ValidationProblem(
                "kato",
                "outside_region",
                f"KATO code {kato} is not in North Kazakhstan (codes start with {REGION_KATO_PREFIX})",
            )
        ]
    if kind != AkimatKind.REGION and (kato[2:4] == "00" or kato[4:] != "00000"):
        return [
            ValidationProblem(
                "kato",
                "not_district_level",
                f"KATO code {kato} is not a city or district code (expected 59XX00000)",
            )
        ]
    return []


def check_kind(kind: str) -> list[ValidationProblem]:
    if kind not in (AkimatKind.CITY, AkimatKind.DISTRICT):
        return [ValidationProblem("kind", "invalid", f"kind {kind!r} must be 'city' or 'district'")]
    return []


def check_names(names: dict[str, str]) -> list[ValidationProblem]:
    return [
        ValidationProblem(field, "required", f"{field} must not be empty")
        for field in ("name_kk", "name_ru")
        if not (names.get(field) or "").strip()
    ]


def as_multipolygon(geometry: GEOSGeometry | None) -> MultiPolygon:
    """Normalise a boundary to a valid MultiPolygon in SRID 4326, or raise."""
    if geometry is None:
        raise TenantValidationError([ValidationProblem("boundary", "required", "boundary is required")])
    if geometry.srid not in (None, 4326):
        geometry = geometry.transform(4326, clone=True)
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry)
    if not isinstance(geometry, MultiPolygon):
        raise TenantValidationError(
            [
                ValidationProblem(
                    "boundary", "invalid", f"boundary must be a polygon, not {geometry.geom_type}"
                )
            ]
        )
    geometry.srid = 4326
    if not geometry.valid:
        raise TenantValidationError(
            [
                ValidationProblem(
                    "boundary", "invalid", f"boundary is not a valid polygon: {geometry.valid_reason}"
                )
            ]
        )
    return geometry
