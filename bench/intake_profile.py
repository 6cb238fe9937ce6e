"""Where intake's time goes: one process, `createAppeal` with registration through the whole Django
stack (middleware, GraphQL, intake, outbox), then one relay batch of appeal states, then emergencies
one at a time through the urgent lane's drains (the incident to 112, 112's status back).

Prints, for each: the time per request (or per message), the SQL statements of one request, and the
share of the profiled time by layer (our code, GraphQL, Django, the database driver, JSON Schema...).
Run alone: `platform/bin/bench bench/intake_profile.py`. BENCH_PROFILE_REQUESTS (default 300).
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import random
import time
import uuid
from collections import defaultdict

from _common import CSRF_TOKEN, setup_django

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import OperatorTokens  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import schema_context, tenant_context  # noqa: E402

from tenants.models import Akimat  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "300"))
# BENCH_PROFILE_CPU=1: count CPU time, not wall time (what the two cores run out of; waits vanish).
CPU_PROFILE = os.environ.get("BENCH_PROFILE_CPU") == "1"
CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number status } repeatCandidates { number } errors { code field } } }"
)
# Where a function's own time is counted: the first matching path fragment names the layer.
LAYERS = [
    ("jsonschema", "JSON Schema validation"),
    ("psycopg", "database driver and waits"),
    ("graphql/", "graphql-core (parse, validate, execute)"),
    ("graphene", "graphene"),
    ("django/db", "Django ORM"),
    ("django_tenants", "django-tenants"),
    ("django/", "Django (request, middleware, sessions)"),
    ("kombu", "Celery/kombu (kicks)"),
    ("redis", "Redis client"),
    ("/appeals/", "appeals (our code)"),
    ("/federation/", "federation (our code)"),
    ("/accounts/", "accounts (our code)"),
    ("json", "JSON"),
]


def layer_of(path: str) -> str:
    for fragment, name in LAYERS:
        if fragment in path:
            return name
    return "other (Python, GIS, ...)"


def print_layers(profile: cProfile.Profile, total_seconds: float, count: int, unit: str) -> None:
    stats = pstats.Stats(profile)
    if os.environ.get("BENCH_PROFILE_DUMP"):  # the whole profile, for pstats or snakeviz
        stats.dump_stats(f"{os.environ['BENCH_PROFILE_DUMP']}.{unit}")
    own: dict[str, float] = defaultdict(float)
    for (path, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        own[layer_of(path)] += tottime
    profiled = sum(own.values())
    print(f"  {total_seconds / count * 1000:.2f} ms per {unit} (profiled, {count} {unit}s)")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1]):
        print(f"    {name:<42} {seconds / profiled * 100:5.1f}%  {seconds / count * 1000:6.3f} ms")
    if os.environ.get("BENCH_PROFILE_OWN"):  # more detail: the functions with the most time of their own
        stats.sort_stats("tottime").print_stats(int(os.environ["BENCH_PROFILE_OWN"]))
    if os.environ.get("BENCH_PROFILE_OURS"):  # and our own functions by cumulative time
        stats.sort_stats("cumulative").print_stats(
            str(settings.BASE_DIR) + "/(?!.venv)", int(os.environ["BENCH_PROFILE_OURS"])
        )
    print("  the ten functions with the most cumulative time:")
    stats.sort_stats("cumulative")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])
    shown = 0
    for (path, line, name), (_cc, _nc, _tt, cumtime, _callers) in rows:
        if "/site-packages/" in path and "graphql" not in path and "psycopg" not in path:
            continue
        if name in ("<module>", "run", "runcall") or path.startswith("~"):
            continue
        short = path.split("/site-packages/")[-1].split(str(settings.BASE_DIR) + "/")[-1]
        print(f"    {cumtime / count * 1000:6.3f} ms  {short}:{line} {name}")
        shown += 1
        if shown == 10:
            break


class GarbagePauses:
    """Python's garbage collections while the block runs: how many, how long, the longest (a full
    collection walks every object the worker holds, and the request waits for it)."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, float]] = []  # (generation, seconds)
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.runs.append((info["generation"], time.perf_counter() - self._started))

    def __enter__(self) -> GarbagePauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self, elapsed: float) -> str:
        total = sum(seconds for _, seconds in self.runs)
        longest = max((seconds for _, seconds in self.runs), default=0.0)
        oldest = sum(1 for generation, _ in self.runs if generation == 2)
        return (
            f"garbage collection: {len(self.runs)} runs ({oldest} of the oldest generation), "
            f"{total * 1000:.1f} ms in all ({total / elapsed * 100:.1f}% of the time), "
            f"the longest {longest * 1000:.1f} ms; {len(gc.get_objects()):,} objects tracked"
        )


def operator_client(akimat: Akimat) -> tuple[Client, dict[str, str]]:
    """As the operator of the other intake benches: a Keycloak token, or a session without Keycloak.
    The test client and the headers to post with."""
    operators = OperatorTokens([akimat])
    extra: dict[str, str] = {}
    client = Client(HTTP_HOST=f"{akimat.slug}.localhost", enforce_csrf_checks=True)
    if operators.bearer:
        extra["HTTP_AUTHORIZATION"] = operators.headers[akimat.slug].split(": ", 1)[1].strip()
        print("intake as the demo operator with a Keycloak token")
    else:
        with tenant_context(akimat):
            user, _ = User.objects.get_or_create(username="bench-operator", defaults={"first_name": "Bench"})
            user.groups.add(Group.objects.get_or_create(name="operator")[0])
            client.force_login(user)
        client.cookies["csrftoken"] = CSRF_TOKEN
        extra["HTTP_X_CSRFTOKEN"] = CSRF_TOKEN
        print("intake as a local operator with a session (no Keycloak)")
    return client, extra


def intake_profile(akimat: Akimat, client: Client, extra: dict[str, str]) -> None:
    run = uuid.uuid4().hex[:8]
    west, south, east, north = akimat.boundary.extent
    centre = ((west + east) / 2, (south + north) / 2)
    spread = random.Random(109)

    def body(index: int) -> str:
        return json.dumps(
            {
                "query": CREATE,
                "variables": {
                    "input": {
                        "channel": "LANDLINE",
                        "description": "Батареи холодные уже сутки",
                        "applicantPhone": f"+7705{index:07d}",
                        "category": "heating",
                        # Spread over the city as a storm's calls are (each point its own few neighbours).
                        "location": {
                            "longitude": centre[0] + spread.uniform(-0.03, 0.03),
                            "latitude": centre[1] + spread.uniform(-0.015, 0.015),
                        },
                        "address": "ул. Абая, 12",
                        "clientKey": f"profile-{run}-{index}",
                        "register": True,
                    }
                },
            }
        )

    def post(index: int) -> None:
        response = client.post("/graphql/", body(index), content_type="application/json", **extra)
        data = response.json()["data"]["createAppeal"]
        if not data["created"] or data["errors"]:
            raise SystemExit(f"createAppeal failed: {data}")

    for index in range(30):  # warm caches (categories, registry, compiled schemas)
        post(index)
    with CaptureQueriesContext(connection) as queries:
        post(30)
    print(f"intake: one createAppeal with registration, {len(queries.captured_queries)} SQL statements:")
    for query in queries.captured_queries:
        print(f"    {' '.join(query['sql'].split())[:110]}")
    pauses = GarbagePauses()
    started, cpu_started = time.perf_counter(), time.process_time()
    with pauses:
        for index in range(31, 31 + REQUESTS):
            post(index)
    plain, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # The rest of the wall time is waiting: for PostgreSQL (its work and the commit's flush), Redis.
    print(
        f"  {plain / REQUESTS * 1000:.2f} ms per request without the profiler, "
        f"{cpu / REQUESTS * 1000:.2f} ms of it this process's CPU"
    )
    print(f"  {pauses.summary(plain)}")
    profile = cProfile.Profile(time.process_time) if CPU_PROFILE else cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for index in range(31 + REQUESTS, 31 + 2 * REQUESTS):
        post(index)
    profile.disable()
    print_layers(profile, time.perf_counter() - started, REQUESTS, "request")


def relay_profile() -> None:
    """One batch of the region's backlog: the appeal states intake just sent (no worker runs here)."""
    from federation.messaging import drains
    from federation.messaging.models import Message

    with schema_context("public"):
        pending = Message.objects.filter(target_schema="public", state__in=["pending", "retrying"]).count()
    if not pending:
        print("relay: nothing pending for the region")
        return
    from federation.messaging import batches
    from federation.messaging.models import DeliveredVia

    drains.drain("public", "default", batch_size=20, budget_seconds=0.01)  # warm (schemas, registry)
    key = drains.drain_key("default", "public")
    profile = cProfile.Profile(time.process_time) if CPU_PROFILE else cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    claimed = batches.claim("public", "default", key, limit=250)
    result = batches.apply(claimed, target_schema="public", claimer=key, via=DeliveredVia.KICK)
    profile.disable()
    elapsed = time.perf_counter() - started
    delivered = len(claimed) or 1
    print(f"relay: one batch of the region's lane ({pending} pending): {dict(result.counts)}")
    print_layers(profile, elapsed, delivered, "message")


def emergency_profile(akimat: Akimat, client: Client, extra: dict[str, str]) -> None:
    """Emergencies one at a time, as a storm brings them (a few a second, the 112 lane never
    lingers): each forwarded at intake, then the urgent lane's drains it causes, each until nothing
    is left: the incident to 112, 112's status back. The drains' CPU per emergency, and by layer."""
    from federation.messaging import drains
    from federation.messaging.models import Lane

    run = uuid.uuid4().hex[:8]
    west, south, east, north = akimat.boundary.extent
    point = {"longitude": (west + east) / 2, "latitude": (south + north) / 2}

    def forward(index: int) -> None:
        variables = {
            "input": {
                "channel": "LANDLINE",
                "description": "Сильный запах газа в подъезде",
                "applicantPhone": f"+7701{index:07d}",
                "category": "gas-leak",
                "location": point,
                "address": "ул. Абая, 12",
                "clientKey": f"profile-112-{run}-{index}",
                "register": True,
            }
        }
        body = json.dumps({"query": CREATE, "variables": variables})
        response = client.post("/graphql/", body, content_type="application/json", **extra)
        if not response.json()["data"]["createAppeal"]["created"]:
            raise SystemExit(f"emergency intake failed: {response.json()}")

    def urgent_targets() -> list[str]:
        # Written out: the bench's own look costs little of the CPU measured around the drains.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT target_schema FROM public.federation_message "
                "WHERE lane = 'urgent' AND state IN ('pending', 'retrying') ORDER BY 1"
            )
            return [row[0] for row in cursor.fetchall()]

    def drain_urgent() -> int:
        drained = 0
        while targets := urgent_targets():
            for target in targets:
                drains.drain(target, Lane.URGENT)
                drained += 1
        return drained

    forward(0)
    drain_urgent()  # warm
    forward(1)
    with CaptureQueriesContext(connection) as queries:
        drain_urgent()
    print(f"112: one emergency's urgent drains, {len(queries.captured_queries)} SQL statements:")
    for query in queries.captured_queries:
        print(f"    {' '.join(query['sql'].split())[:110]}")
    rounds = max(10, REQUESTS // 10)
    plain_cpu = 0.0
    for index in range(2, 2 + rounds):
        forward(index)
        cpu_started = time.process_time()
        drain_urgent()
        plain_cpu += time.process_time() - cpu_started
    print(f"  {plain_cpu / rounds * 1000:.2f} ms of this process's CPU per emergency in its drains")
    profile = cProfile.Profile(time.process_time) if CPU_PROFILE else cProfile.Profile()
    drained, cpu = 0, 0.0
    started = time.perf_counter()
    for index in range(2 + rounds, 2 + 2 * rounds):
        forward(index)
        cpu_started = time.process_time()
        profile.enable()
        drained += drain_urgent()
        profile.disable()
        cpu += time.process_time() - cpu_started
    elapsed = time.perf_counter() - started
    print(
        f"112: {rounds} emergencies one at a time, {drained / rounds:.1f} urgent drains each, "
        f"{cpu / rounds * 1000:.2f} ms of this process's CPU per emergency in them (profiled)"
    )
    print_layers(profile, elapsed, rounds, "emergency")


if __name__ == "__main__":
    akimat = Akimat.objects.get(slug="petropavlovsk")
    client, extra = operator_client(akimat)
    intake_profile(akimat, client, extra)
    relay_profile()
    emergency_profile(akimat, client, extra)
