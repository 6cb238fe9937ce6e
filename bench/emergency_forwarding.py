"""Emergency forwarding end to end: how long from the operator's "forward to 112" to 112.

Per round the operator of Petropavlovsk forwards an appeal over HTTP (`forwardTo112`, gunicorn,
session login); the clock starts when the request is sent. Prints p50/p99/max of
- the HTTP answer of the forward (the document is in the outbox when it returns);
- the incident in the dispatchers' inbox JSON feed (a dispatcher's browser polls every 2 s on top);
- the document at the centre's own CAD (a loopback HTTP server, signed, through the outbox);
- 112's "received" back in the appeal (the status message's round trip).
A real Celery worker (2 prefork processes, as `make run`) relays. Asserts nothing. Uses the bench
profile's own database; its 112 register and the outbox are emptied first.
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

from _common import CSRF_HEADERS, ROOT, CeleryWorker, WebServer, percentile, setup_django, with_csrf

setup_django()

from _operators import signed_in  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from appeals import actions  # noqa: E402
from appeals.actions import AppealInput  # noqa: E402
from appeals.events import SYSTEM  # noqa: E402
from appeals.models import EmergencyForward  # noqa: E402
from federation.emergency_112.models import EmergencyCentre  # noqa: E402
from tenants.models import Akimat  # noqa: E402
from testkit.cad_stub import CadStub  # noqa: E402
from testkit.emergency_factories import EMERGENCY_TABLES  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_EMERGENCY_ROUNDS", "50"))
HOST = "petropavlovsk.localhost"
FORWARD = (ROOT / "graphql" / "operations" / "ForwardTo112.graphql").read_text(encoding="utf-8")


def figures(name: str, values: list[float]) -> str:
    return (
        f"{name:<52} n={len(values)} p50={percentile(values, 0.5):7.1f} ms "
        f"p99={percentile(values, 0.99):7.1f} ms max={max(values):7.1f} ms"
    )


def session(schema: str, username: str, role: str) -> str:
    return with_csrf(f"sessionid={signed_in(schema, role, username=username)}")


def new_appeal(tenant: Akimat) -> int:
    """An ordinary appeal (not an emergency category), written directly: not what is measured."""
    with tenant_context(tenant):
        data = AppealInput(
            channel="landline",
            description="Из подвала идёт дым, пахнет гарью",
            applicant_phone="+77051234567",
            applicant_name="Bench",
            address="ул. Конституции Казахстана, 20",
            longitude=69.145,
            latitude=54.872,
            category_code="heating",
        )
        return actions.create_appeal(SYSTEM, data).appeal.number


def in_feed(conn: http.client.HTTPConnection, cookie: str, number: int) -> bool:
    conn.request(
        "GET",
        "/112/incidents.json",
        headers={"Host": "localhost", "Cookie": cookie, "Accept": "application/json"},
    )
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"feed answered {response.status}: {body[:200]!r}")
    return any(incident["appeal_number"] == str(number) for incident in json.loads(body)["incidents"])


def at_cad(stub: CadStub, number: int) -> bool:
    return any(
        document["requestForService"]["origin"]["appealNumber"] == str(number)
        for document in list(stub.documents.values())
    )


def received_back(tenant: Akimat, number: int) -> bool:
    with tenant_context(tenant):
        return EmergencyForward.objects.filter(appeal__number=number, status="received").exists()


def one_round(port: int, tenant: Akimat, cookies: dict[str, str], stub: CadStub) -> dict[str, float]:
    number = new_appeal(tenant)
    body = json.dumps(
        {"query": FORWARD, "variables": {"input": {"number": number, "services": ["101", "103"]}}}
    )
    api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    feed = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    api.request(
        "POST",
        "/graphql/",
        body=body,
        headers={
            "Host": HOST,
            "Content-Type": "application/json",
            "Cookie": cookies["operator"],
            **CSRF_HEADERS,
        },
    )
    answer = json.loads(api.getresponse().read())
    seen = {"forward answered": time.perf_counter()}
    errors = answer.get("errors") or answer["data"]["forwardTo112"]["errors"]
    if errors:
        raise RuntimeError(f"forwardTo112 refused: {errors}")
    deadline = time.monotonic() + 60
    while len(seen) < 4:
        if time.monotonic() > deadline:
            raise RuntimeError(f"round for №{number} incomplete: {sorted(seen)}")
        if "in the 112 inbox feed" not in seen and in_feed(feed, cookies["dispatcher"], number):
            seen["in the 112 inbox feed"] = time.perf_counter()
        if "at the CAD" not in seen and at_cad(stub, number):
            seen["at the CAD"] = time.perf_counter()
        if "112 'received' back in the appeal" not in seen and received_back(tenant, number):
            seen["112 'received' back in the appeal"] = time.perf_counter()
    api.close()
    feed.close()
    return {name: (moment - started) * 1000 for name, moment in seen.items()}


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join(EMERGENCY_TABLES)}, federation_messageevent, federation_message CASCADE"
        )
    tenant = Akimat.objects.get(slug="petropavlovsk")
    stub = CadStub(secret=uuid.uuid4().hex).start()
    EmergencyCentre.objects.create(
        slug="bench-cad", name_kk="112", name_ru="112", is_primary=True, runs_own_cad=True,
        endpoint_url=stub.url, secret=stub.secret,
    )  # fmt: skip
    cookies = {"operator": session(tenant.schema_name, "bench-operator", "operator"),
               "dispatcher": session("public", "bench-dispatcher", "dispatcher_112")}  # fmt: skip
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    print("== emergency 112: operator's forward -> 112 (gunicorn, a Celery worker with 2 processes) ==")
    connection.close()
    results: dict[str, list[float]] = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        WebServer(port),
        # WARNING: the measured rounds log nothing (the warm-up round waits for the worker's start).
        CeleryWorker(Path(folder) / "worker.log", "bench112", loglevel="WARNING"),
    ):
        one_round(port, tenant, cookies, stub)  # warm-up: imports, connections, the worker's start
        for _ in range(ROUNDS):
            for name, value in one_round(port, tenant, cookies, stub).items():
                results.setdefault(name, []).append(value)
    stub.stop()
    for name, values in results.items():
        print(figures(f"forward -> {name}", values))
    print("  (the inbox figure includes polling the feed; a browser polls every 2 s on top of it)")


if __name__ == "__main__":
    main()
