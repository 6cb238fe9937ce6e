"""Repeat detection: open appeals of the same category at the same map object or within the
category's radius (geography, metres) and time window. The operator decides what to link."""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Collection

from django.contrib.gis.geos import Point
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from appeals.models import Appeal, Category
from appeals.states import TERMINAL_STATUSES

MAX_CANDIDATES = 10
IN_BOX = "appeals_appeal.location && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s)"
WITHIN = (
    f"{IN_BOX} AND ST_DWithin(appeals_appeal.location::geography, "
    "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, false)"
)


def repeat_candidates(
    category: Category | None,
    location: Point | None,
    object_key: str = "",
    *,
    exclude_id: int | None = None,
    now: datetime.datetime | None = None,
    appeals: QuerySet[Appeal] | None = None,
    fields: Collection[str] | None = None,
) -> list[Appeal]:
    """Nearest first; only originals (an appeal linked as a repeat points to its original).
    `appeals` narrows where to look, or says what to load with them (all appeals by default).
    `fields` names the only fields the caller reads (the rest are deferred, and would cost a query
    each if read): an API caller asking for numbers alone need not pay for ten whole appeals."""
    if category is None or (location is None and not object_key):
        return []
    since = (now or timezone.now()) - datetime.timedelta(hours=category.repeat_window_hours)
    loaded = _loaded_fields(fields)
    if appeals is None and not object_key and location is not None:
        return _with_category(_nearest_by_point(category, location, since, exclude_id, loaded), category)
    base = (
        (appeals if appeals is not None else Appeal.objects.all())
        .filter(category=category, parent__isnull=True, received_at__gte=since)
        .exclude(status__in=TERMINAL_STATUSES)
    )
    if loaded is not None and appeals is None:
        base = base.only(*loaded)
    if exclude_id is not None:
        base = base.exclude(pk=exclude_id)
    near = Q()
    if object_key:
        near |= Q(object_key=object_key)
    if location is not None:
        # A cheap bounding-box test (index-friendly) first, then metres on the sphere for the few left.
        dlon, dlat = _radius_in_degrees(category, location)
        point = (location.x, location.y)
        # The column is qualified: the caller's queryset may join other appeals (e.g. the original).
        in_box = RawSQL(IN_BOX, (*point, dlon, dlat))  # noqa: S611 - constant SQL, values bound
        if not object_key:
            # As _nearest_by_point does in one statement (a caller's queryset is composed here).
            by_degrees = RawSQL("appeals_appeal.location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)", point)
            nearest = list(
                base.annotate(in_box=in_box)
                .filter(in_box=True)
                .order_by(by_degrees)
                .values_list("pk", flat=True)[:NEAREST_SCAN]
            )
            if not nearest:
                return []
            base = base.filter(pk__in=nearest)
        within = RawSQL(WITHIN, (*point, dlon, dlat, *point, category.repeat_radius_m))  # noqa: S611
        base = base.annotate(
            within_radius=within,
            distance_m=RawSQL(
                "ST_Distance(appeals_appeal.location::geography, "
                "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, false)",
                point,
            ),
        )
        near |= Q(within_radius=True)
        ordering = ["distance_m", "-received_at"]
    else:
        ordering = ["-received_at"]
    return _with_category(list(base.filter(near).order_by(*ordering)[:MAX_CANDIDATES]), category)


# Intake's case, a point and no object, in one statement written out (decision 85): composing it
# through the ORM cost a web worker about 4 ms a call, the database 0.2 ms. A storm puts hundreds of
# open appeals of a category around one block: the nearest in degrees come from the spatial index
# (inside the radius's box), and only they are measured on the sphere and ordered by metres.
NEAREST_BY_POINT = """
WITH point AS (SELECT ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326) AS geom),
nearest AS (
    SELECT appeals_appeal.id FROM appeals_appeal, point
    WHERE appeals_appeal.category_id = %(category)s AND appeals_appeal.parent_id IS NULL
      AND appeals_appeal.received_at >= %(since)s AND NOT (appeals_appeal.status = ANY(%(terminal)s))
      AND appeals_appeal.id <> %(exclude)s
      AND appeals_appeal.location && ST_Expand(point.geom, %(dlon)s, %(dlat)s)
    ORDER BY appeals_appeal.location <-> point.geom
    LIMIT {scan}
)
SELECT {columns},
       ST_Distance(appeals_appeal.location::geography, point.geom::geography, false) AS distance_m
FROM appeals_appeal JOIN nearest USING (id), point
WHERE ST_DWithin(appeals_appeal.location::geography, point.geom::geography, %(radius)s, false)
ORDER BY distance_m, appeals_appeal.received_at DESC
LIMIT {shown}
"""


def _radius_in_degrees(category: Category, location: Point) -> tuple[float, float]:
    """The category's radius as (longitude, latitude) degrees around the point, a little over."""
    dlat = category.repeat_radius_m / 111_320 * 1.01
    return dlat / max(math.cos(math.radians(location.y)), 0.01), dlat


def _loaded_fields(fields: Collection[str] | None) -> tuple[str, ...] | None:
    """The fields to load, the primary key and the category (set from the caller's) always among
    them, in the model's order (one statement text per set); None for all of them."""
    if fields is None:
        return None
    wanted = {"id", "category", *fields}
    return tuple(field.name for field in Appeal._meta.concrete_fields if field.name in wanted)


@functools.cache
def _nearest_by_point_sql(loaded: tuple[str, ...] | None = None) -> str:
    # Columns named, not `*`: a prepared plan whose row changed shape (a release adding a column
    # while this one serves) would be refused by PostgreSQL. Written once per process and field set.
    columns = ", ".join(
        f'appeals_appeal."{field.column}"'
        for field in Appeal._meta.concrete_fields
        if loaded is None or field.name in loaded
    )
    return NEAREST_BY_POINT.format(columns=columns, scan=NEAREST_SCAN, shown=MAX_CANDIDATES)


_TERMINAL = sorted(str(status) for status in TERMINAL_STATUSES)


def _nearest_by_point(
    category: Category,
    location: Point,
    since: datetime.datetime,
    exclude_id: int | None,
    loaded: tuple[str, ...] | None,
) -> list[Appeal]:
    dlon, dlat = _radius_in_degrees(category, location)
    params = {
        "x": location.x,
        "y": location.y,
        "category": category.pk,
        "since": since,
        "terminal": _TERMINAL,
        "exclude": exclude_id if exclude_id is not None else 0,  # ids start at 1
        "dlon": dlon,
        "dlat": dlat,
        "radius": category.repeat_radius_m,
    }
    return list(Appeal.objects.raw(_nearest_by_point_sql(loaded), params))


def _with_category(appeals: list[Appeal], category: Category) -> list[Appeal]:
    """Every candidate has the caller's category: set, not joined (the join cost a storm's intake
    a lookup per open appeal around the point)."""
    for appeal in appeals:
        appeal.category = category
    return appeals


# How many of the nearest in degrees are measured in metres (degrees stretch east-west at this
# latitude, so more are taken than shown).
NEAREST_SCAN = 5 * MAX_CANDIDATES
