"""Federation figures: delay from a tenant's commit to the handler's effect in the target, and relay
throughput, with a real Celery worker (2 processes, as `make run` starts it); /healthz for scale.

Prints measurements; asserts nothing.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime
from pathlib import Path

from _common import ROOT, CeleryWorker, WebServer, load, percentile, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from federation.messaging.inbox.models import ProbeRecord  # noqa: E402
from federation.messaging.models import Message, MessageState  # noqa: E402
from federation.messaging.outbox import send  # noqa: E402
from federation.messaging.probe import KIND as PROBE  # noqa: E402
from tenants.models import Akimat  # noqa: E402

BENCH_PREFIX = "bench-"
LATENCY_MESSAGES = int(os.environ.get("BENCH_FEDERATION_LATENCY_MESSAGES", "300"))
BURST_MESSAGES = int(os.environ.get("BENCH_FEDERATION_BURST_MESSAGES", "3000"))
WORKER_PROCESSES = int(os.environ.get("BENCH_FEDERATION_WORKERS", "2"))


def wait_delivered(ids: list[uuid.UUID], timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while Message.objects.filter(pk__in=ids).exclude(state=MessageState.DELIVERED).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("messages not delivered in time")
        time.sleep(0.05)


def commit_to_effect(sources: list[str], count: int = LATENCY_MESSAGES) -> tuple[list[float], list[float]]:
    """One message per transaction, paced (not a flood): ms from commit to the effect and to the ack."""
    committed_at: dict[uuid.UUID, float] = {}
    tokens: dict[str, uuid.UUID] = {}
    for index in range(count):
        token = f"{BENCH_PREFIX}{uuid.uuid4().hex}"
        with schema_context(sources[index % len(sources)]), transaction.atomic():
            message_id = send(PROBE, {"token": token}, target="public")
        committed_at[message_id] = time.time()
        tokens[token] = message_id
        time.sleep(0.02)
    ids = list(committed_at)
    wait_delivered(ids)
    with schema_context("public"):
        applied = dict(ProbeRecord.objects.filter(token__in=tokens).values_list("token", "applied_at"))
    effect = [(applied[token].timestamp() - committed_at[mid]) * 1000 for token, mid in tokens.items()]
    acked = [
        (delivered_at.timestamp() - committed_at[mid]) * 1000
        for mid, delivered_at in Message.objects.filter(pk__in=ids).values_list("id", "delivered_at")
    ]
    return effect, acked


def burst(sources: list[str], per_transaction: int) -> dict[str, float]:
    """BURST_MESSAGES sent as fast as one client commits them; the relay's rate of delivering them."""
    ids: list[uuid.UUID] = []
    started = time.time()
    for batch in range(BURST_MESSAGES // per_transaction):
        source = sources[batch % len(sources)]
        target = sources[(batch + 1) % len(sources)]
        with schema_context(source), transaction.atomic():
            ids += [
                send(PROBE, {"token": f"{BENCH_PREFIX}{uuid.uuid4().hex}"}, target=target)
                for _ in range(per_transaction)
            ]
    sent_seconds = time.time() - started
    wait_delivered(ids)
    last: datetime = max(Message.objects.filter(pk__in=ids).values_list("delivered_at", flat=True))
    relay_seconds = last.timestamp() - started
    return {
        "messages": len(ids),
        "send_rate": len(ids) / sent_seconds,
        "relay_rate": len(ids) / relay_seconds,
        "relay_seconds": relay_seconds,
    }


def backlog_drain(sources: list[str], log_dir: Path) -> dict[str, float]:
    """BURST_MESSAGES committed while no worker runs; a worker then starts on the backlog.

    Timed from the first to the last delivery, so the worker's start does not count.
    """
    ids: list[uuid.UUID] = []
    for batch in range(BURST_MESSAGES // 50):
        with schema_context(sources[batch % len(sources)]), transaction.atomic():
            ids += [
                send(PROBE, {"token": f"{BENCH_PREFIX}{uuid.uuid4().hex}"}, target="public")
                for _ in range(50)
            ]
    with CeleryWorker(log_dir / "federation-worker-drain.log", "bench", concurrency=WORKER_PROCESSES):
        wait_delivered(ids)
    times = sorted(Message.objects.filter(pk__in=ids).values_list("delivered_at", flat=True))
    seconds = (times[-1] - times[0]).total_seconds()
    return {"messages": len(ids), "rate": len(ids) / seconds, "seconds": seconds}


def cleanup() -> None:
    Message.objects.filter(kind=PROBE, payload__token__startswith=BENCH_PREFIX).delete()
    for schema in [
        "public",
        *Akimat.objects.exclude(schema_name="public").values_list("schema_name", flat=True),
    ]:
        with schema_context(schema):
            ProbeRecord.objects.filter(token__startswith=BENCH_PREFIX).delete()


def fmt(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5):6.1f} ms  p99 {percentile(values, 0.99):6.1f} ms  "
        f"max {max(values):6.1f} ms  (n={len(values)})"
    )


def main() -> None:
    sources = list(
        Akimat.objects.filter(is_active=True)
        .exclude(schema_name="public")
        .values_list("schema_name", flat=True)[:4]
    )
    log_dir = ROOT / ".local" / "bench" / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    cleanup()
    print(f"== federation relay ({WORKER_PROCESSES} worker processes, durable commits) ==")
    with CeleryWorker(log_dir / "federation-worker.log", "bench", concurrency=WORKER_PROCESSES):
        commit_to_effect(sources[:1], count=20)  # warm-up: worker processes open their connections
        effect, acked = commit_to_effect(sources)
        print(f"tenant commit -> effect in the region : {fmt(effect)}")
        print(f"tenant commit -> outbox acknowledged  : {fmt(acked)}")
        for per_transaction in (1, 50):
            result = burst(sources, per_transaction)
            print(
                f"relay throughput, burst of {result['messages']} tenant->tenant, "
                f"{per_transaction:>2} per commit: {result['relay_rate']:6.0f} messages/s delivered "
                f"(sender committed {result['send_rate']:.0f}/s; all delivered "
                f"{result['relay_seconds']:.1f} s after the first commit)"
            )
    result = backlog_drain(sources, log_dir)
    print(
        f"relay throughput, backlog of {result['messages']} (worker started on it): "
        f"{result['rate']:6.0f} messages/s ({result['seconds']:.1f} s first to last delivery)"
    )
    cleanup()
    port = int(os.environ.get("IKOMEK_WEB_PORT", "8002"))
    connection.close()
    with WebServer(port) as server:
        host = "petropavlovsk.localhost"
        load(port, host, "/healthz", seconds=3)
        result = load(port, host, "/healthz", seconds=10)
        tool = "python client" if result["tool"] else "wrk"
        print(
            f"/healthz on {host} for scale: {result['rps']:.0f} req/s ({server.workers} sync workers, {tool})"
        )


if __name__ == "__main__":
    main()
