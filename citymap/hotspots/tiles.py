"""Appeal density as Mapbox vector tiles, computed in PostGIS.

A tile (z/x/y, Web Mercator) is cut into a 64 x 64 grid; the appeals of the period (and category)
inside it are counted per cell with plain arithmetic on their longitude and latitude (no per-row
projection: the index on the appeals' points picks the tile's rows, and only the cells' centres are
projected), and each non-empty cell becomes a point of layer `hotspots` with `count` and `open`.
ST_AsMVT encodes the tile; a map draws it as a heat layer however many appeals lie under it.
"""

from __future__ import annotations

import math

from django.db import connection, transaction

from appeals.states import ACTIVE_STATUSES
from citymap.hotspots.period import Question

LAYER = "hotspots"
EXTENT = 4096
GRID = 64  # cells per tile side: one cell is 4 px of a 256 px tile
MAX_ZOOM = 22

TILE = """
WITH counted AS (
    SELECT least(floor((ST_X(a.location) - %(west)s) / %(dx)s), %(last)s)::int AS i,
           least(floor((ST_Y(a.location) - %(south)s) / %(dy)s), %(last)s)::int AS j,
           count(*) AS n,
           count(*) FILTER (WHERE a.status = ANY(%(open)s::text[])) AS open
      FROM appeals_appeal a
     WHERE a.location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
       AND a.received_at >= %(since)s AND a.received_at < %(until)s
       AND (%(categories)s::bigint[] IS NULL OR a.category_id = ANY(%(categories)s::bigint[]))
       AND a.cancel_reason <> 'spam'
     GROUP BY 1, 2
)
SELECT ST_AsMVT(cell, %(layer)s, %(extent)s, 'geom')
  FROM (
    SELECT ST_AsMVTGeom(
             ST_Transform(
               ST_SetSRID(ST_MakePoint(%(west)s + (i + 0.5) * %(dx)s, %(south)s + (j + 0.5) * %(dy)s), 4326),
               3857),
             ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(extent)s, 64, true) AS geom,
           n::int AS count, open::int AS open
      FROM counted
  ) cell
"""


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the Web Mercator tile."""
    n = 2**z

    def lon(col: int) -> float:
        return col / n * 360.0 - 180.0

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return lon(x), lat(y + 1), lon(x + 1), lat(y)


def valid_tile(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def hotspot_tile(z: int, x: int, y: int, asked: Question) -> bytes:
    """The tile's bytes (empty when no appeal lies in it): one query, after turning JIT off for its
    transaction. PostGIS declares ST_AsMVTGeom costly, so a tile over a whole city passes
    `jit_above_cost` and PostgreSQL spent 190 ms compiling a query that runs in 30
    (bench/citymap_tiles.py)."""
    west, south, east, north = tile_bounds(z, x, y)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            TILE,
            {
                "west": west,
                "south": south,
                "east": east,
                "north": north,
                "dx": (east - west) / GRID,
                "dy": (north - south) / GRID,
                "last": GRID - 1,
                "since": asked.since,
                "until": asked.until,
                "categories": list(asked.category_ids) if asked.category_ids is not None else None,
                "open": sorted(ACTIVE_STATUSES),
                "layer": LAYER,
                "extent": EXTENT,
                "z": z,
                "x": x,
                "y": y,
            },
        )
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""
