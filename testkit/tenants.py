"""Scratch akimats: real tenants cloned from the template for one test module or run, committed, and
dropped again (schema included), for what must really commit or be checked on a fresh clone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from tenants.models import Akimat
from tenants.onboarding import onboard_tenant
from tenants.specs import TenantSpec


def square_district(
    slug: str, kato: str, name_en: str, *, west: float = 69.0, south: float = 54.0, **names: str
) -> TenantSpec:
    """A district whose boundary is the 0.1° square with this south-west corner."""
    east, north = west + 0.1, south + 0.1
    square = Polygon(((west, south), (east, south), (east, north), (west, north), (west, south)), srid=4326)
    return TenantSpec(
        slug=slug,
        kato=kato,
        kind="district",
        name_kk=names.get("name_kk", "Сынақ ауданы"),
        name_ru=names.get("name_ru", "Тестовый район"),
        name_en=name_en,
        boundary=MultiPolygon(square, srid=4326),
    )


@contextmanager
def scratch_akimat(spec: TenantSpec, django_db_blocker: object) -> Iterator[Akimat]:
    """Onboard `spec` (committed) for a session or module fixture, and remove it afterwards."""
    with django_db_blocker.unblock():
        tenant = onboard_tenant(spec).tenant
        connection.set_schema_to_public()
    try:
        yield tenant
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            tenant = Akimat.objects.get(slug=spec.slug)
            schema = tenant.schema_name
            tenant.domains.all().delete()
            tenant.delete()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
