"""Which akimat an appeal belongs to: a point outside this akimat's boundary but inside another's is
accepted with a proposed transfer (the operator decides, `propose_transfer` records it); outside
every akimat it is refused.

The tenant registry (public schema) holds every akimat's real boundary; its GiST index answers the
point-in-polygon question in one query. Petropavlovsk is a hole in Kyzylzhar District, so a point in
the city is covered by the city alone.
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db import connection
from django_tenants.utils import get_public_schema_name

from appeals.errors import Problem
from appeals.events import SYSTEM, record_event
from appeals.models import Appeal, EventKind
from appeals.rules.geography import point_in_tenant
from tenants.models import Akimat, AkimatKind
from tenants.sandbox import current_is_sandbox


def akimat_covering(point: Point) -> Akimat | None:
    """The active akimat (not the region) whose boundary covers the point, other than this one; the
    sandbox (its territory is the whole region) is never proposed, nor proposes a real one."""
    if current_is_sandbox():
        return None
    return (
        Akimat.objects.in_region()
        .filter(is_active=True, boundary__covers=point)
        .exclude(kind=AkimatKind.REGION)
        .exclude(schema_name__in=[connection.schema_name, get_public_schema_name()])
        .only("slug", "schema_name", "name_kk", "name_ru", "kind", "is_active")
        .first()
    )


def locate(
    longitude: float, latitude: float, field: str = "location"
) -> tuple[Point | None, Akimat | None, Problem | None]:
    """(point, proposed akimat or None, problem or None) for an appeal's location."""
    point, problem = point_in_tenant(longitude, latitude, field)
    if problem is None or problem.code != "outside_boundary":
        return point, None, problem
    point = Point(longitude, latitude, srid=4326)
    other = akimat_covering(point)
    if other is None:
        return (
            None,
            None,
            Problem(
                field,
                "outside_region",
                "Нүкте облыс әкімдіктерінің аумағынан тыс / Точка вне территории всех акиматов области",
            ),
        )
    return point, other, None


def transfer_target(slug: str) -> Akimat | None:
    """An active akimat other than this one, by slug (the region is no transfer target)."""
    return (
        Akimat.objects.filter(slug=slug, is_active=True)
        .exclude(kind=AkimatKind.REGION)
        .exclude(schema_name__in=[connection.schema_name, get_public_schema_name()])
        .defer("boundary")
        .first()
    )


def propose_transfer(appeal: Appeal, akimat: Akimat) -> None:
    """Intake found the location inside another akimat: record the proposal (the operator decides)."""
    appeal.transfer_proposal = akimat.slug
    appeal.save(update_fields=["transfer_proposal"])
    record_event(
        appeal,
        EventKind.TRANSFER_PROPOSED,
        SYSTEM,
        comment=f"Мекенжай {akimat.name_kk} аумағында / Адрес на территории: {akimat.name_ru}",
        data={"akimat": akimat.slug},
    )
