"""Fixtures of the regional tests: two akimats of this run only (committed work, a real worker) and the
regional staff on the regional host."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from regional.models import AppealFact
from regional.rebuild import rebuild_tallies
from tenants.models import Akimat
from tenants.onboarding import onboard_tenant
from tenants.specs import TenantSpec

# Two akimats with square territories of their own (outside the real ones, so no proposal mixes them up).
SCRATCH = {
    "regional-west": ("599100000", (60.0, 50.0)),
    "regional-east": ("599200000", (61.0, 50.0)),
}
# The backup tests' own akimat (tests/operations): onboarded and dropped by their module, so that
# what the regional tests leave in the session's scratch akimats never reaches their counts.
OWN_OF_A_MODULE = {"backup-west": ("599300000", (62.0, 50.0))}
TERRITORIES = SCRATCH | OWN_OF_A_MODULE


def inside(slug: str) -> tuple[float, float]:
    x, y = TERRITORIES[slug][1]
    return (x + 0.1, y + 0.1)


def _spec(slug: str) -> TenantSpec:
    kato, (x, y) = TERRITORIES[slug]
    square = Polygon(((x, y), (x + 0.2, y), (x + 0.2, y + 0.2), (x, y + 0.2), (x, y)), srid=4326)
    return TenantSpec(
        slug=slug,
        kato=kato,
        kind="district",
        name_kk=f"{slug} ауданы",
        name_ru=f"Район {slug}",
        name_en=slug,
        boundary=MultiPolygon(square, srid=4326),
    )


def onboard_scratch(slugs: Iterable[str]) -> dict[str, Akimat]:
    """Scratch akimats onboarded (committed) in territories of their own."""
    akimats = {slug: onboard_tenant(_spec(slug)).tenant for slug in slugs}
    connection.set_schema_to_public()
    return akimats


def drop_scratch(akimats: dict[str, Akimat]) -> None:
    """Scratch akimats gone: their rows, their schemas and their facts in the read model."""
    connection.set_schema_to_public()
    schemas = [a.schema_name for a in akimats.values()]
    for akimat in Akimat.objects.filter(schema_name__in=schemas):
        akimat.domains.all().delete()
        akimat.delete()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    with schema_context(get_public_schema_name()):
        AppealFact.objects.filter(schema__in=schemas).delete()
        rebuild_tallies()


@pytest.fixture(scope="session")
def scratch_akimats(onboarded, django_db_blocker) -> Iterator[dict[str, Akimat]]:
    """Onboarded for this run (committed), dropped at the end with their facts in the read model."""
    with django_db_blocker.unblock():
        akimats = onboard_scratch(SCRATCH)
    yield akimats
    with django_db_blocker.unblock():
        drop_scratch(akimats)


@pytest.fixture
def committed_akimats(scratch_akimats, django_db_blocker) -> Iterator[dict[str, Akimat]]:
    """Real commits (on_commit runs, other processes see the rows)."""
    with django_db_blocker.unblock():
        yield scratch_akimats
        connection.set_schema_to_public()
