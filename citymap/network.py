"""The network downstream of an object: what a boiler house or a substation reaches, through pipes
and cables, down to the buildings (a recursive walk in PostgreSQL, safe against loops)."""

from __future__ import annotations

from django.db import connection

from citymap.models import ObjectKind

DOWNSTREAM_BUILDINGS = """
WITH RECURSIVE downstream(id, path) AS (
    SELECT l.consumer_id, ARRAY[l.supplier_id, l.consumer_id]
      FROM citymap_servicelink l
     WHERE l.supplier_id = %(source)s
    UNION ALL
    SELECT l.consumer_id, d.path || l.consumer_id
      FROM downstream d
      JOIN citymap_servicelink l ON l.supplier_id = d.id
     WHERE NOT l.consumer_id = ANY(d.path) AND cardinality(d.path) < 32
)
SELECT DISTINCT o.id
  FROM downstream d JOIN citymap_mapobject o ON o.id = d.id
 WHERE o.kind = %(building)s
 ORDER BY o.id
"""


def downstream_buildings(source_id: int) -> list[int]:
    """Ids of the buildings the object serves, directly or through other network objects."""
    with connection.cursor() as cursor:
        cursor.execute(DOWNSTREAM_BUILDINGS, {"source": source_id, "building": ObjectKind.BUILDING.value})
        return [row[0] for row in cursor.fetchall()]
