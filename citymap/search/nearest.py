"""Reverse lookup: from a pin to the nearest buildings or objects.

The GiST index orders by planar distance in degrees (`<->`), which stretches east-west at this
latitude; the nearest few by that order are measured again on the sphere and re-ranked, so the
answer is the nearest in metres.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

# Candidates taken by the index before the metres decide: a degree of longitude is 0.57 of a degree
# of latitude here, so the true nearest is always among the first few by the planar order.
CANDIDATES = 24
MAX_RESULTS = 20

NEAREST = """
WITH candidates AS (
    -- The point is written out here, not joined: the GiST index orders by distance only to a constant.
    SELECT o.id, o.geometry
      FROM citymap_mapobject o
     WHERE (%(kinds)s::text[] IS NULL OR o.kind = ANY(%(kinds)s::text[]))
     ORDER BY o.geometry <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)
     LIMIT %(candidates)s
)
SELECT o.id, o.kind, o.external_id, o.name_kk, o.name_ru, o.address_kk, o.address_ru,
       ST_X(o.point), ST_Y(o.point), d.metres
  FROM candidates c
  CROSS JOIN LATERAL (
      SELECT ST_Distance(c.geometry::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography)
             AS metres) d
  JOIN citymap_mapobject o ON o.id = c.id
 WHERE d.metres <= %(within)s
 ORDER BY d.metres, o.id
 LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Nearby:
    id: int
    kind: str
    external_id: str
    name_kk: str
    name_ru: str
    address_kk: str
    address_ru: str
    longitude: float
    latitude: float
    distance_m: float


def nearest_objects(
    longitude: float,
    latitude: float,
    *,
    kinds: list[str] | None = None,
    within_m: float = 250.0,
    limit: int = 5,
) -> list[Nearby]:
    """The objects nearest the pin (of `kinds`, all when None), nearest first; one query."""
    limit = max(1, min(limit, MAX_RESULTS))
    with connection.cursor() as cursor:
        cursor.execute(
            NEAREST,
            {
                "lon": longitude,
                "lat": latitude,
                "kinds": kinds or None,
                "candidates": max(CANDIDATES, limit * 3),
                "within": within_m,
                "limit": limit,
            },
        )
        return [Nearby(*row) for row in cursor.fetchall()]
