"""Run as its own process: `createAppeal` requests through the real GraphQL view, each timed, in two
phases the parent separates (it stops Redis in between).

    python -m tests.federation.intake_timing <schema> <host> <username> <requests per phase>

The process's environment decides where Redis is (REDIS_URL: broker, cache, kick marks). It prints
one JSON line per phase, {"ms": [...], "numbers": [...]}, and waits for a line on stdin before the
second phase.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client
    from django_tenants.utils import schema_context

    schema, host, username, per_phase = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    client = Client(HTTP_HOST=host)
    with schema_context(schema):
        client.force_login(User.objects.get(username=username))
    document = (
        "mutation Create($input: CreateAppealInput!) { createAppeal(input: $input) "
        "{ created appeal { number status } errors { field code message } } }"
    )
    for phase in range(2):
        if phase:
            sys.stdin.readline()
        timings, numbers = [], []
        for index in range(per_phase):
            variables = {
                "input": {
                    "channel": "LANDLINE",
                    "description": "Батареи холодные, в подъезде нет отопления",
                    "applicantPhone": "8 705 123 45 67",
                    "category": "heating",
                    "register": True,
                    "clientKey": f"intake-timing-{phase}-{index}-{os.getpid()}",
                }
            }
            started = time.perf_counter()
            response = client.post(
                "/graphql/", {"query": document, "variables": variables}, content_type="application/json"
            )
            timings.append((time.perf_counter() - started) * 1000)
            answer = response.json()
            created = (answer.get("data") or {}).get("createAppeal") or {}
            if response.status_code != 200 or not created.get("created") or created.get("errors"):
                print(json.dumps({"error": answer}), flush=True)
                sys.exit(1)
            numbers.append(created["appeal"]["number"])
        print(json.dumps({"ms": timings, "numbers": numbers}), flush=True)


if __name__ == "__main__":
    main()
