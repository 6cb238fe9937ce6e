"""Points of appeals: read from (longitude, latitude), checked against the akimat's own boundary."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.contrib.gis.geos.prepared import PreparedGeometry
from django.db import connection
from django.utils.translation import gettext_lazy as _

from appeals.errors import Problem

_prepared: dict[str, tuple[object, PreparedGeometry]] = {}


def _tenant_boundary() -> PreparedGeometry | None:
    tenant = getattr(connection, "tenant", None)
    boundary = getattr(tenant, "boundary", None)
    if boundary is None:
        return None
    entry = _prepared.get(connection.schema_name)
    if entry is None or entry[0] is not boundary:
        entry = (boundary, boundary.prepared)
        _prepared[connection.schema_name] = entry
    return entry[1]


def point_in_tenant(
    longitude: float, latitude: float, field: str = "location"
) -> tuple[Point | None, Problem | None]:
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        return None, Problem(field, "invalid_location", _("The coordinates are not valid"))
    point = Point(longitude, latitude, srid=4326)
    boundary = _tenant_boundary()
    if boundary is not None and not boundary.covers(point):
        return None, Problem(
            field,
            "outside_boundary",
            _("The point lies outside the akimat's territory (pass the appeal to another district)"),
        )
    return point, None
