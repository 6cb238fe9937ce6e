"""City map: hotspot tiles and the ranking of objects on an akimat holding 100,000 appeals
(generated with SQL over the city, a third of them in a few dense spots) and the 50,000 buildings
of bench/citymap_search.py (made here too when missing).

Prints the time of a hotspot tile (ST_AsMVT in PostGIS) per zoom over every tile covering the city,
for all categories and for one, in the process and through the web server's tile endpoint, and of
the ranked list of objects. Asserts nothing. BENCH_MAP_APPEALS changes the number of appeals.
"""

from __future__ import annotations

import http.client
import math
import os
import statistics
import time

from _common import WebServer, percentile, setup_django

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _citymap import bench_tenant, fill_buildings  # noqa: E402
from _operators import keycloak_token, signed_in  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accounts.roles import Role  # noqa: E402
from appeals.models import Appeal  # noqa: E402
from citymap.hotspots.period import question  # noqa: E402
from citymap.hotspots.ranking import ranked_objects  # noqa: E402
from citymap.hotspots.tiles import hotspot_tile  # noqa: E402

APPEALS = int(os.environ.get("BENCH_MAP_APPEALS", "100000"))
WEST, SOUTH, EAST, NORTH = 69.09, 54.84, 69.25, 54.91
PASSES = 3

GENERATE = """
WITH cats AS (SELECT array_agg(id ORDER BY id) AS ids FROM appeals_category WHERE NOT is_emergency),
     spots AS (SELECT ARRAY[69.145, 69.160, 69.200, 69.120] AS lon,
                      ARRAY[54.872, 54.890, 54.860, 54.880] AS lat)
INSERT INTO appeals_appeal (
    number, status, status_changed_at, channel, applicant_name, applicant_phone, applicant_iin, address,
    location, object_key, description, category_id, priority, received_at, resolution, cancel_reason,
    repeat_count, reopen_count, access_code, applicant_language)
SELECT nextval('appeals_appeal_number_seq'),
       CASE WHEN g.n %% 10 < 6 THEN 'closed' WHEN g.n %% 10 < 8 THEN 'in_progress' ELSE 'registered' END,
       now(), 'landline', 'Бенч', '+7705' || lpad((g.n %% 9999999)::text, 7, '0'), '', 'Бенч',
       CASE WHEN g.n %% 3 = 0
            THEN ST_SetSRID(ST_MakePoint(spots.lon[1 + g.n %% 4] + (random() - 0.5) * 0.004,
                                         spots.lat[1 + g.n %% 4] + (random() - 0.5) * 0.0025), 4326)
            ELSE ST_SetSRID(ST_MakePoint(%(west)s + random() * %(width)s,
                                         %(south)s + random() * %(height)s), 4326)
       END,
       '', 'Бенч', cats.ids[1 + (g.n %% array_length(cats.ids, 1))], 'normal',
       now() - random() * interval '60 days', '', '', 0, 0, '', ''
FROM generate_series(1, %(rows)s) AS g(n) CROSS JOIN cats CROSS JOIN spots
"""
LINK = """
INSERT INTO citymap_appealobject (appeal_id, map_object_id, source, linked_at, linked_by)
SELECT a.id, b.ids[1 + (a.id %% array_length(b.ids, 1))], 'object_key', now(), ''
  FROM appeals_appeal a
 CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT id FROM citymap_mapobject
             WHERE kind = 'building' ORDER BY id LIMIT 2000) x) b
 WHERE a.id %% 2 = 0
ON CONFLICT (appeal_id) DO NOTHING
"""


def fill_appeals(tenant: object) -> tuple[int, float]:
    with tenant_context(tenant), connection.cursor() as cursor:
        have = Appeal.objects.count()
        started = time.perf_counter()
        if have < APPEALS:
            area = {"west": WEST, "south": SOUTH, "width": EAST - WEST, "height": NORTH - SOUTH}
            cursor.execute(GENERATE, {"rows": APPEALS - have, **area})
            cursor.execute("ANALYZE appeals_appeal")
        cursor.execute("SELECT EXISTS (SELECT 1 FROM citymap_appealobject)")
        if not cursor.fetchone()[0]:
            cursor.execute(LINK, [])
            cursor.execute("ANALYZE citymap_appealobject")
        return max(have, APPEALS), 0.0 if have >= APPEALS else time.perf_counter() - started


def tiles_over_city(z: int) -> list[tuple[int, int, int]]:
    def column(lon: float) -> int:
        return int((lon + 180) / 360 * 2**z)

    def row(lat: float) -> int:
        return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)

    return [
        (z, x, y) for x in range(column(WEST), column(EAST) + 1) for y in range(row(NORTH), row(SOUTH) + 1)
    ]


def supervisor_headers(tenant: object) -> dict[str, str]:
    """How the akimat's supervisor calls: with a Keycloak token of the development realm's
    `supervisor.<slug>` when Keycloak runs (as `make bench` has it), else with a local session."""
    if not settings.LOCAL_IDENTITY:
        from demo.dev_realm import apply_dev_realm

        apply_dev_realm([tenant.slug])
        return {"Authorization": f"Bearer {keycloak_token(Role.SUPERVISOR, tenant.slug)}"}
    return {"Cookie": f"sessionid={signed_in(tenant.schema_name, 'supervisor')}"}


def line(name: str, values: list[float], extra: str = "") -> str:
    return (
        f"  {name:<40} p50 {statistics.median(values):6.1f} ms  p99 {percentile(values, 0.99):6.1f} ms  "
        f"max {max(values):6.1f} ms  (n={len(values)}{extra})"
    )


def main() -> None:
    tenant = bench_tenant()
    buildings, _ = fill_buildings(tenant)
    appeals, seconds = fill_appeals(tenant)
    print("== city map: hotspot tiles and ranking (2-core machine) ==")
    print(
        f"akimat {tenant.slug}: {appeals:,} appeals" + (f" (generated in {seconds:.0f} s)" if seconds else "")
        + f", {buildings:,} buildings; last 30 days asked (about half the appeals)"
    )  # fmt: skip
    with tenant_context(tenant):
        everything, heating = question(), question("heating")
        for z in (11, 12, 13, 14, 15):
            tiles = tiles_over_city(z)
            hotspot_tile(*tiles[0], everything)  # warm
            timings, sizes = [], []
            for _ in range(PASSES):
                for tile in tiles:
                    started = time.perf_counter()
                    sizes.append(len(hotspot_tile(*tile, everything)))
                    timings.append((time.perf_counter() - started) * 1000)
            by_category = []
            for tile in tiles:
                started = time.perf_counter()
                hotspot_tile(*tile, heating)
                by_category.append((time.perf_counter() - started) * 1000)
            print(
                line(f"z{z}: {len(tiles)} tiles, every category", timings, f", max {max(sizes) // 1024} KB")
            )
            print(line(f"z{z}: the same, heating only", by_category))
        ranking = []
        for _ in range(20):
            started = time.perf_counter()
            ranked_objects(everything, limit=20)
            ranking.append((time.perf_counter() - started) * 1000)
        print(line("ranked objects (top 20, 30 days)", ranking))
        caller = supervisor_headers(tenant)
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    connection.close()
    host = f"{tenant.slug}.localhost"
    with WebServer(port):
        for z, x, y in tiles_over_city(12):  # every worker opens its connection and warms up
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", f"/map/hotspots/{z}/{x}/{y}.mvt", headers={"Host": host, **caller})
            conn.getresponse().read()
            conn.close()
        over_http = []
        for z, x, y in tiles_over_city(13) * PASSES:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            started = time.perf_counter()
            conn.request("GET", f"/map/hotspots/{z}/{x}/{y}.mvt", headers={"Host": host, **caller})
            response = conn.getresponse()
            response.read()
            over_http.append((time.perf_counter() - started) * 1000)
            conn.close()
            if response.status not in (200, 204):
                raise RuntimeError(f"tile {z}/{x}/{y}: HTTP {response.status}")
    print(line("z13 tiles through the web server", over_http))


if __name__ == "__main__":
    main()
