"""Emergency 112 figures: document throughput and how fast a forwarded incident reaches 112.

Prints
- build + validate + sign of a requestForService per second (one core);
- receive_incident -> visible in the inbox JSON feed (gunicorn, a logged-in dispatcher polling);
- receive_incident -> the CAD (a loopback HTTP server) has the document (the outbox, a real Celery
  worker).
Asserts nothing. Uses the bench profile's own database; its 112 tables are emptied first.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import uuid

from _common import ROOT, WebServer, percentile, setup_django

setup_django()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from federation.emergency_112.actions import receive_incident  # noqa: E402
from federation.emergency_112.cad_outbox import encode  # noqa: E402
from federation.emergency_112.documents import build_request_for_service  # noqa: E402
from federation.emergency_112.models import EmergencyCentre  # noqa: E402
from federation.emergency_112.signing import sign  # noqa: E402
from tenants.models import Akimat  # noqa: E402
from testkit.cad_stub import CadStub  # noqa: E402
from testkit.emergency_factories import EMERGENCY_TABLES, make_input  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_EMERGENCY_ROUNDS", "50"))


def figures(name: str, values: list[float]) -> str:
    return (
        f"{name:<48} n={len(values)} p50={percentile(values, 0.5):7.1f} ms "
        f"p99={percentile(values, 0.99):7.1f} ms max={max(values):7.1f} ms"
    )


def throughput(tenant: Akimat, seconds: float = 3.0) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        document = build_request_for_service(make_input(tenant, services=("101", "103")))
        sign("bench-secret", encode(document), document["requestForService"]["messageId"])
        done += 1
    return done / (time.perf_counter() - started)


def dispatcher_cookie() -> str:
    user, _ = User.objects.get_or_create(username="bench-dispatcher")
    user.groups.add(Group.objects.get_or_create(name="dispatcher_112")[0])
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client.cookies["sessionid"].value


def visible_in_feed(port: int, cookie: str, appeal_number: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    while True:
        conn.request(
            "GET",
            "/112/incidents.json",
            headers={"Host": "localhost", "Cookie": f"sessionid={cookie}", "Accept": "application/json"},
        )
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"feed answered {response.status}: {body[:200]!r}")
        if appeal_number.encode() in body:
            return


def feed_delay(tenant: Akimat, port: int) -> list[float]:
    cookie = dispatcher_cookie()
    delays = []
    for _ in range(ROUNDS):
        data = make_input(tenant)
        document = build_request_for_service(data)
        started = time.perf_counter()
        receive_incident(document, source_schema=tenant.schema_name)
        visible_in_feed(port, cookie, data.appeal_number)
        delays.append((time.perf_counter() - started) * 1000)
    return delays


def cad_delay(tenant: Akimat) -> list[float]:
    stub = CadStub(secret=uuid.uuid4().hex).start()
    EmergencyCentre.objects.update(is_primary=False)
    EmergencyCentre.objects.create(
        slug="bench-cad", name_kk="112", name_ru="112", is_primary=True, runs_own_cad=True,
        endpoint_url=stub.url, secret=stub.secret,
    )  # fmt: skip
    connection.close()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ikomek", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    delays = []
    try:
        # Warm-up: the first task pays for the worker's imports and connections.
        warm = build_request_for_service(make_input(tenant))
        receive_incident(warm, source_schema=tenant.schema_name)
        deadline = time.monotonic() + 60
        while warm["requestForService"]["messageId"] not in stub.documents and time.monotonic() < deadline:
            time.sleep(0.01)
        for _ in range(ROUNDS):
            document = build_request_for_service(make_input(tenant))
            message_id = document["requestForService"]["messageId"]
            started = time.perf_counter()
            receive_incident(document, source_schema=tenant.schema_name)
            while message_id not in stub.documents:
                time.sleep(0.001)
            delays.append((time.perf_counter() - started) * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        stub.stop()
    return delays


def main() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join(EMERGENCY_TABLES)}, federation_messageevent, federation_message CASCADE"
        )
    tenant = Akimat.objects.get(slug="petropavlovsk")
    print("== emergency 112 ==")
    print(
        f"build + validate + sign requestForService     {throughput(tenant):8.0f} documents/s (one process)"
    )
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    connection.close()
    with WebServer(port):
        print(figures("receive_incident -> in the inbox JSON feed", feed_delay(tenant, port)))
    print("  (a browser polls every 2 s: add up to 2 s for the dispatcher to see it)")
    print(figures("receive_incident -> document at the CAD", cad_delay(tenant)))


if __name__ == "__main__":
    main()
