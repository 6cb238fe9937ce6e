"""The real North Kazakhstan registry data shipped in tenants/data (geokz, CC BY 4.0)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry

from tenants.specs import TenantSpec

DATA_DIR = Path(__file__).resolve().parent / "data" / "north-kazakhstan"


def _spec_from_feature(feature: dict) -> TenantSpec:
    props = feature["properties"]
    return TenantSpec(
        slug=props["slug"],
        kato=props["kato"],
        kind=props["kind"],
        name_kk=props["name_kk"],
        name_ru=props["name_ru"],
        name_en=props["name_en"],
        boundary=GEOSGeometry(json.dumps(feature["geometry"]), srid=4326),
    )


@cache
def _features(filename: str) -> tuple[dict, ...]:
    return tuple(json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))["features"])


def region_spec() -> TenantSpec:
    return _spec_from_feature(_features("region.geojson")[0])


def tenant_specs() -> list[TenantSpec]:
    """The 14 tenants: Petropavlovsk city and the 13 districts, in the file's order."""
    return [_spec_from_feature(feature) for feature in _features("districts.geojson")]


def tenant_spec(slug: str) -> TenantSpec:
    for spec in tenant_specs():
        if spec.slug == slug:
            return spec
    known = ", ".join(spec.slug for spec in tenant_specs())
    raise KeyError(f"no tenant {slug!r} in the region data; known: {known}")
