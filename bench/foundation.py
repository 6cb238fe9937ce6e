"""Foundation figures: time to onboard one tenant (clone vs. full migrations) and /healthz throughput.

Prints measurements; asserts nothing.
"""

from __future__ import annotations

import os
import time

from _common import WebServer, load, setup_django, summary

setup_django()

from django.contrib.gis.geos import MultiPolygon, Polygon  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants.models import Akimat  # noqa: E402
from tenants.onboarding import onboard_tenant  # noqa: E402
from tenants.specs import TenantSpec  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ONBOARD_ROUNDS", "5"))


def spec(index: int) -> TenantSpec:
    square = Polygon(((70.0, 53.0), (70.1, 53.0), (70.1, 53.1), (70.0, 53.1), (70.0, 53.0)), srid=4326)
    return TenantSpec(
        slug=f"bench-{index}",
        kato=f"59{90 + index}00000",  # district-level codes not used by the real tenants
        kind="district",
        name_kk="Бенч",
        name_ru="Бенч",
        boundary=MultiPolygon(square, srid=4326),
    )


def drop(slug: str) -> None:
    tenant = Akimat.objects.filter(slug=slug).first()
    if tenant:
        tenant.domains.all().delete()
        tenant.delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{slug.replace("-", "_")}" CASCADE')


def onboarding_times() -> list[float]:
    times = []
    for index in range(ROUNDS):
        drop(f"bench-{index}")
        started = time.perf_counter()
        onboard_tenant(spec(index))
        times.append((time.perf_counter() - started) * 1000)
        drop(f"bench-{index}")
    return times


def full_migration_times() -> list[float]:
    """The same schema built by replaying every tenant migration (what cloning avoids)."""
    times = []
    for index in range(min(ROUNDS, 3)):
        name = f"bench_migrate_{index}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE; CREATE SCHEMA "{name}"')
        started = time.perf_counter()
        call_command("migrate_schemas", tenant=True, schema_name=name, interactive=False, verbosity=0)
        times.append((time.perf_counter() - started) * 1000)
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{name}" CASCADE')
    return times


def main() -> None:
    print("== onboarding one tenant (durable commits) ==")
    print(f"clone of template schema : {summary(onboarding_times())}")
    print(f"full tenant migrations   : {summary(full_migration_times())}")
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    connection.close()
    with WebServer(port) as server:
        for host in ("petropavlovsk.localhost", "localhost"):
            load(port, host, "/healthz", seconds=3)  # warm-up: fills each worker's host map
            result = load(port, host, "/healthz", seconds=10)
            tool = "python client" if result["tool"] else "wrk"
            print(
                f"/healthz on {host:<24} {result['rps']:8.0f} req/s "
                f"({server.workers} sync workers, persistent DB connections, {tool})"
            )


if __name__ == "__main__":
    main()
