"""An upgrade over many akimats: the time to migrate 200 akimat schemas, one at a time and in parallel.

Makes BENCH_MIGRATE_AKIMATS schemas (default 200) as onboarding does (a clone of the template schema;
no catalogue or Keycloak objects, which a migration does not touch), then times, for each degree of
parallelism in BENCH_MIGRATE_PARALLEL (default "1,2,4"):
- an upgrade: every schema one release behind (appeals 0015, the change feed's table, trigger,
  index and backfill, rolled back first, untimed) migrated forward by `migrate_platform`;
- a deploy with nothing to migrate (each schema still checked).
Removes what it made. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import time

from _common import setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.gis.geos import MultiPolygon, Polygon  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants.models import Akimat  # noqa: E402
from tenants.parallel_migrations import ParallelExecutor  # noqa: E402, F401  (registers the executor)
from tenants.template_schema import ensure_template_schema, refresh_catalog_statistics  # noqa: E402

COUNT = int(os.environ.get("BENCH_MIGRATE_AKIMATS", "200"))
PARALLEL = [int(n) for n in os.environ.get("BENCH_MIGRATE_PARALLEL", "1,2,4").split(",")]
PREFIX = "bench_mig_"
BEHIND = ("appeals", "0014_appeal_client_key_digest")  # the release before appeals 0015


def make_akimats() -> list[Akimat]:
    ensure_template_schema()
    square = MultiPolygon(
        Polygon(((70.0, 53.0), (70.1, 53.0), (70.1, 53.1), (70.0, 53.1), (70.0, 53.0)), srid=4326),
        srid=4326,
    )
    made = []
    for index in range(COUNT):
        akimat = Akimat(
            schema_name=f"{PREFIX}{index}",
            slug=f"bench-mig-{index}",
            kato=f"5{index:08d}",  # 5 + 8 digits: no real akimat's code starts so
            kind="district",
            name_kk="Бенч",
            name_ru="Бенч",
            boundary=square,
            is_active=True,
        )
        akimat.save()
        akimat.create_schema(check_if_exists=True, verbosity=0)  # a clone of the template schema
        made.append(akimat)
    refresh_catalog_statistics()
    return made


def remove(akimats: list[Akimat]) -> None:
    connection.set_schema_to_public()
    for akimat in akimats:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{akimat.schema_name}" CASCADE')
        Akimat.objects.filter(pk=akimat.pk).delete()


def timed_migrate(parallel: int) -> float:
    started = time.perf_counter()
    call_command("migrate_platform", parallel=parallel, verbosity=0)
    connection.set_schema_to_public()
    return time.perf_counter() - started


def one_release_behind(parallel: int) -> None:
    settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = max(parallel, 2)
    call_command(
        "migrate_schemas",
        *BEHIND,
        tenant=True,
        interactive=False,
        verbosity=0,
        executor="parallel",
    )
    connection.set_schema_to_public()


def main() -> None:
    started = time.perf_counter()
    akimats = make_akimats()
    # migrate_schemas walks every tenant: the seeded ones are migrated too, and counted.
    schemas = Akimat.objects.exclude(schema_name="public").count()
    print(f"== migrating {schemas} akimat schemas ({COUNT} made in {time.perf_counter() - started:.0f} s) ==")
    try:
        for parallel in PARALLEL:
            one_release_behind(parallel)
            upgrade = timed_migrate(parallel)
            idle = timed_migrate(parallel)
            print(
                f"parallel {parallel}: upgrade (appeals 0015) {upgrade:6.1f} s "
                f"= {upgrade / schemas * 1000:5.0f} ms/akimat; nothing to migrate {idle:6.1f} s"
            )
    finally:
        remove(akimats)


if __name__ == "__main__":
    main()
