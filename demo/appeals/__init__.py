"""Demo data of the 109 service for `make run` (`manage.py seed_demo`): organisations, people and
routes from editable fixtures in data/, then several thousand simulated appeals in Petropavlovsk
and fewer in each district, written with COPY. Idempotent: a tenant that has demo appeals is skipped."""

from __future__ import annotations

import csv
import datetime
import random
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from appeals.models import Appeal
from appeals.rules.calendar import forget_tenant_calendar
from demo.appeals.catalogue import ensure_demo_catalogue, load_fixture
from demo.appeals.places import Places
from demo.appeals.simulate import Simulator
from demo.appeals.writer import write

DATA = Path(__file__).resolve().parent / "data"
CITY = "petropavlovsk"
CITY_APPEALS = 6000
HISTORY_DAYS = 150


# Demo executors work for the organisation the demo routes send heating appeals to: the most
# frequent category, so their console is never empty.
EXECUTOR_CATEGORY = "heating"


def demo_fixture(slug: str) -> str:
    """The catalogue fixture (organisations, people, routes) of an akimat's demo."""
    return "petropavlovsk.json" if slug == CITY else "district_organisations.json"


def executor_organisation(slug: str) -> str:
    """The code of the demo organisation the akimat's demo executor (`executor.<slug>`) works for."""
    routes = load_fixture(demo_fixture(slug))["routes"]
    return next(r["organisation"] for r in routes if r["category"] == EXECUTOR_CATEGORY and "area" not in r)


def district_plan() -> dict[str, tuple[str, int]]:
    with (DATA / "districts.csv").open(encoding="utf-8", newline="") as handle:
        return {row["slug"]: (row["centre"], int(row["appeals"])) for row in csv.DictReader(handle)}


def seed_tenant(tenant: object, now: datetime.datetime | None = None, scale: float = 1.0) -> str:
    """Fill one akimat (in its schema); returns what was done."""
    started = time.perf_counter()
    now = now or timezone.now()
    names = {"kk": tenant.name_kk, "ru": tenant.name_ru}
    with tenant_context(tenant), transaction.atomic():
        catalogue = ensure_demo_catalogue(demo_fixture(tenant.slug), names)
        if tenant.is_sandbox:
            # The integrators' own test appeals only: an empty list is what they start from.
            return f"{tenant.slug}: sandbox, catalogue only ({catalogue} rows made)"
        if Appeal.objects.filter(client_key__startswith="demo:").exists():
            return f"{tenant.slug}: demo appeals already there" + (
                f", {catalogue} catalogue rows" if catalogue else ""
            )
        # A fixed seed per tenant: the same demo every time the database is rebuilt.
        rng = random.Random(f"ikomek-demo-{tenant.slug}")
        boundary = bytes(tenant.boundary.wkb)
        if tenant.slug == CITY:
            places, count = Places.petropavlovsk(boundary, rng), CITY_APPEALS
        else:
            centre, count = district_plan().get(tenant.slug, ("", 200))
            places = Places.district(boundary, rng, centre or tenant.name_ru)
        forget_tenant_calendar()
        simulator = Simulator(tenant.slug, places, rng, now, HISTORY_DAYS)
        appeals = simulator.run(max(1, int(count * scale)), fresh_category=EXECUTOR_CATEGORY)
        counts = write(appeals)
    seconds = time.perf_counter() - started
    return (
        f"{tenant.slug}: {counts['appeals']} appeals, {counts['events']} events, "
        f"{counts['callbacks']} call-backs, {counts['violations']} violations ({seconds:.1f} s)"
    )


def seed(scale: float = 1.0) -> Iterator[str]:
    """The demo seeder registered in demo.seeders."""
    from tenants.models import Akimat

    tenants = (
        Akimat.objects.filter(is_active=True).exclude(schema_name=get_public_schema_name()).order_by("kato")
    )
    for tenant in tenants:
        yield seed_tenant(tenant, scale=scale)
