"""What a new web worker's first calls cost: each akimat's operator (a Keycloak token) sends one
`createAppeal` to a worker that has just started, then a second.

A process forks three "workers" in turn, each with Django's handler and middleware loaded as a
gunicorn worker has them before its first call (decision 87), each calling for all akimats once and
then again. The first worker finds nothing read before it; the others find what the ones before
them shared (the account statuses read from Keycloak, decision 97). Compare with
`KEYCLOAK_ACCOUNT_SHARED_URL=` (empty: each process reads Keycloak itself).
Run alone: `platform/bin/bench bench/new_workers.py`. Prints measurements; asserts nothing.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid

from _common import setup_django

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import OperatorTokens  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.account_status import accounts  # noqa: E402
from ikomek import warmup  # noqa: E402
from tenants.models import Akimat  # noqa: E402

WORKERS = 3
CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number status } repeatCandidates { number } errors { code field } } }"
)


def body(akimat: Akimat, key: str) -> str:
    west, south, east, north = akimat.boundary.extent
    return json.dumps(
        {
            "query": CREATE,
            "variables": {
                "input": {
                    "channel": "LANDLINE",
                    "description": "Батареи холодные",
                    "applicantPhone": "+77051234567",
                    "category": "heating",
                    "location": {"longitude": (west + east) / 2, "latitude": (south + north) / 2},
                    "address": "ул. Абая, 12",
                    "clientKey": key,
                    "register": True,
                }
            },
        }
    )


def worker(number: int, akimats: list[Akimat], tokens: OperatorTokens, run: str) -> None:
    """One new worker's calls (in a forked process): its first for each akimat, then its second."""
    clients = {}
    for akimat in akimats:
        clients[akimat.slug] = Client(HTTP_HOST=f"{akimat.slug}.localhost")
        clients[akimat.slug].handler.load_middleware()

    def call(akimat: Akimat, round_: int) -> float:
        authorization = tokens.headers[akimat.slug].split(": ", 1)[1].strip()
        started = time.perf_counter()
        response = clients[akimat.slug].post(
            "/graphql/",
            body(akimat, f"new-worker-{run}-{number}-{round_}-{akimat.slug}"),
            content_type="application/json",
            HTTP_AUTHORIZATION=authorization,
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or not response.json()["data"]["createAppeal"]["created"]:
            raise SystemExit(f"createAppeal failed: {response.content[:300]!r}")
        return elapsed

    first = [call(akimat, 1) for akimat in akimats]
    second = [call(akimat, 2) for akimat in akimats]
    print(
        f"worker {number}: {len(akimats)} first calls {sum(first):,.0f} ms "
        f"(the very first {first[0]:.0f} ms, median {statistics.median(first[1:]):.1f} ms); "
        f"{len(akimats)} second calls {sum(second):,.0f} ms (median {statistics.median(second):.1f} ms)",
        flush=True,
    )


def main() -> None:
    akimats = list(Akimat.objects.exclude(schema_name="public").order_by("slug"))
    tokens = OperatorTokens(akimats)
    accounts().forget()  # nothing shared before the first worker: statuses of earlier runs gone
    connections.close_all()  # each worker opens its own, as a forked gunicorn worker does
    warmup.warm()
    shared = "shared through Redis" if accounts().shared else "each process reads Keycloak"
    print(f"== new workers: {len(akimats)} akimats, operators with tokens; account statuses {shared} ==")
    run = uuid.uuid4().hex[:8]
    for number in range(1, WORKERS + 1):
        pid = os.fork()
        if pid == 0:
            try:
                worker(number, akimats, tokens, run)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
