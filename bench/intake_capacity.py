"""Intake's ceiling: `createAppeal` with registration, the repeat check and the outbox, as fast as
two web workers take it (closed loop, wrk, 16 connections), with the relay's workers running.

Prints appeals stored per second for each web worker kind (sync; threads), the relay's backlog
at the end and how long it took to drain. Prints measurements; asserts nothing.
BENCH_SECONDS (default 15) is the length of each run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from _common import ROOT, CeleryWorker, WebServer, cpu_seconds, setup_django

os.environ["DJANGO_DEBUG"] = "false"
setup_django()

from _operators import OperatorTokens  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from tenants.models import Akimat  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
LOG_DIR = ROOT / ".local" / "bench" / "log"
CREATE = (
    "mutation($input: CreateAppealInput!) { createAppeal(input: $input) "
    "{ created appeal { number status } repeatCandidates { number } errors { code } } }"
)
# (worker class, threads per worker): two processes either way, on the two cores.
KINDS = [("sync", 1), ("gthread", 4)]
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Host"] = "petropavlovsk.localhost"
%(headers)s
local counter = 0
local ids = 0
function setup(thread)
  ids = ids + 1
  thread:set("tid", ids)
end
function request()
  counter = counter + 1
  local key = "%(run)s-" .. tid .. "-" .. counter
  local categories = {"heating", "heating", "electricity", "snow", "cold-water", "hot-water", "roads"}
  local category = categories[math.random(#categories)]
  local lon = 69.10 + math.random() * 0.12
  local lat = 54.85 + math.random() * 0.04
  local body = '{"query": %(query)s, "variables": {"input": {"channel": "LANDLINE", '
    .. '"description": "Батареи холодные", "applicantPhone": "+77051234567", '
    .. '"category": "' .. category .. '", '
    .. '"clientKey": "' .. key .. '", "register": true, '
    .. '"location": {"longitude": ' .. lon .. ', "latitude": ' .. lat .. '}}}}'
  return wrk.format(nil, "/graphql/", nil, body)
end
"""


def count(akimat: Akimat) -> int:
    with tenant_context(akimat), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        return cursor.fetchone()[0]


def backlog() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM public.federation_message WHERE state IN ('pending', 'retrying')"
        )
        return cursor.fetchone()[0]


def wrk_headers(credentials: str) -> str:
    """The operator's header lines ("Name: value\\r\\n"...) as wrk's Lua."""
    lines = [line.split(": ", 1) for line in credentials.split("\r\n") if line]
    return "\n".join(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}" for name, value in lines)


def run(port: int, akimat: Akimat, operators: OperatorTokens, kind: str, threads: int) -> None:
    os.environ["BENCH_WEB_WORKER_CLASS"], os.environ["BENCH_WEB_THREADS"] = kind, str(threads)
    script = WRK_SCRIPT % {
        "headers": wrk_headers(operators.headers[akimat.slug]),
        "run": uuid.uuid4().hex[:8],
        "query": json.dumps(CREATE),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    connection.close()
    with WebServer(port, workers=2):
        before = count(akimat)
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        result = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{int(SECONDS)}s", "--latency", "-s", handle.name,
             f"http://127.0.0.1:{port}/graphql/"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        cpu_after = cpu_seconds()
        stored = count(akimat) - before
        waiting = backlog()
        drain_started = time.monotonic()
        while backlog() and time.monotonic() - drain_started < 60:
            time.sleep(0.2)
        drained = time.monotonic() - drain_started
    Path(handle.name).unlink()
    latency = [
        line.split()[-1] for line in result.stdout.splitlines() if line.strip().startswith(("50%", "99%"))
    ]
    errors = [
        line.strip() for line in result.stdout.splitlines() if "Non-2xx" in line or "Socket errors" in line
    ]
    print(
        f"  {kind:<8} x{threads}: {stored / elapsed:6.0f} appeals/s stored ({stored} in {elapsed:.0f} s), "
        f"p50 {latency[0] if latency else '?'}, p99 {latency[1] if len(latency) > 1 else '?'}; "
        f"relay backlog at the end {waiting}, drained in {drained:.1f} s {' '.join(errors)}"
    )
    used = {part: cpu_after.get(part, 0.0) - cpu_before.get(part, 0.0) for part in cpu_after}
    print(
        "    CPU per stored appeal: "
        + ", ".join(
            f"{part} {seconds / max(stored, 1) * 1000:.1f} ms"
            for part, seconds in sorted(used.items(), key=lambda i: -i[1])
            if seconds > 0.05
        )
    )


def main() -> None:
    if not shutil.which("wrk"):
        print("intake capacity: wrk is not installed; skipped")
        return
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    akimat = Akimat.objects.get(slug="petropavlovsk")
    operators = OperatorTokens([akimat])
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    print(f"intake capacity: createAppeal with registration, repeat check and outbox, {SECONDS:.0f} s each,")
    print(f"  two web workers, 16 connections (closed loop), the relay's workers running, the operator "
          f"with {'a Keycloak token' if operators.bearer else 'a session (no Keycloak)'}:")  # fmt: skip
    worker = {"concurrency": 1, "loglevel": "WARNING"}
    with (
        CeleryWorker(LOG_DIR / "capacity-worker.log", "capacity", queues="celery", **worker),
        CeleryWorker(LOG_DIR / "capacity-urgent.log", "capacity-urgent", queues="urgent", **worker),
    ):
        for kind, threads in KINDS:
            run(port, akimat, operators, kind, threads)


if __name__ == "__main__":
    main()
