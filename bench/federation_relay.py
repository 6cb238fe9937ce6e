"""Federation figures: delay from a tenant's commit to the handler's effect in the target, and relay
throughput, with a real Celery worker (2 processes, as `make run` starts it): bursts sent while it
runs, and backlogs committed before it starts (probes, probes with a key each, and appeal states
through the regional read model, two per appeal as intake sends them); /healthz for scale.

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
from django.db.models import Max, Min  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from federation.messaging.inbox.models import ProbeRecord  # noqa: E402
from federation.messaging.models import OPEN_STATES, Message, MessageState  # noqa: E402
from federation.messaging.outbox import send  # noqa: E402
from federation.messaging.probe import KIND as PROBE  # noqa: E402
from federation.read_model_feed import STATUS_KIND  # noqa: E402
from tenants.models import Akimat  # noqa: E402

BENCH_PREFIX = "bench-"
LATENCY_MESSAGES = int(os.environ.get("BENCH_FEDERATION_LATENCY_MESSAGES", "300"))
BURST_MESSAGES = int(os.environ.get("BENCH_FEDERATION_BURST_MESSAGES", "3000"))
BACKLOG_MESSAGES = int(os.environ.get("BENCH_FEDERATION_BACKLOG_MESSAGES", "20000"))
BACKLOG_RUNS = int(os.environ.get("BENCH_FEDERATION_BACKLOG_RUNS", "2"))
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


def backlog_drain(sources: list[str], log_dir: Path, *, keyed: bool = False) -> dict[str, float]:
    """BACKLOG_MESSAGES committed (500 per transaction) while no worker runs, all to the region; a
    worker then starts on the backlog. `keyed`: each message with an ordering key of its own, as the
    appeal states are (their cursors cost the receiver more).

    Timed from the first claim to the last acknowledgement, so the worker's start does not count.
    """
    ids: list[uuid.UUID] = []
    run = uuid.uuid4().hex[:8]
    for batch in range(BACKLOG_MESSAGES // 500):
        with schema_context(sources[batch % len(sources)]), transaction.atomic():
            ids += [
                send(
                    PROBE,
                    {"token": f"{BENCH_PREFIX}{uuid.uuid4().hex}"},
                    target="public",
                    ordering_key=f"bench:{run}:{batch}:{n}" if keyed else None,
                )
                for n in range(500)
            ]
    with CeleryWorker(log_dir / "federation-worker-drain.log", "bench", concurrency=WORKER_PROCESSES):
        # Polled cheaply (the open messages' partial index), not by 20,000 ids.
        while Message.objects.filter(state__in=OPEN_STATES).exists():
            time.sleep(0.2)
    first, last = (
        Message.objects.filter(pk__in=ids).aggregate(Min("last_attempt_at"), Max("delivered_at")).values()
    )
    seconds = (last - first).total_seconds()
    return {"messages": len(ids), "rate": len(ids) / seconds, "seconds": seconds}


STATE_FIRST_NUMBER = 900_000_000  # the bench's appeals in the region's read model, far above real ones


def appeal_state(number: int, version: int, status: str) -> dict:
    """An `appeals.status` payload. The same states every run (only the version grows), so after the
    first run the read model's rows change and its tallies stay as they are."""
    return {
        "number": number,
        "version": version,
        "status": status,
        "priority": "normal",
        "channel": "landline",
        "category": {
            "code": "heating",
            "parent": "housing",
            "name_kk": "Жылумен жабдықтау",
            "name_ru": "Отопление",
        },
        "received_at": "2026-01-05T09:00:00+05:00",
        "resolved_at": None,
        "closed_at": None,
        "deadline": "2026-01-08T18:00:00+05:00",
        "overdue_at": None,
        "escalated_at": None,
        "is_repeat": False,
        "repeat_count": 0,
        "reopen_count": 0,
        "transferred_to": None,
        "transferred_from": None,
        "origin_number": None,
        "regional_escalation": None,
    }


def state_backlog(sources: list[str], log_dir: Path) -> dict[str, float]:
    """Appeal states to the region: two per appeal (received, then registered, as two changes; one
    key per appeal), BACKLOG_MESSAGES in all, committed while no worker runs. The relay applies
    the newest of each appeal (the other is superseded) through the read model's batch handler."""
    version = int(time.time() * 1000)
    source = sources[0]
    appeals = BACKLOG_MESSAGES // 2
    for start in range(0, appeals, 250):
        with schema_context(source), transaction.atomic():
            for number in range(STATE_FIRST_NUMBER + start, STATE_FIRST_NUMBER + min(appeals, start + 250)):
                for offset, status in enumerate(("received", "registered")):
                    state = appeal_state(number, version + offset, status)
                    # A change of its own each (in one block they would be one message, decision 67).
                    with transaction.atomic():
                        send(STATUS_KIND, state, target="public", ordering_key=f"appeal:{number}")
    with CeleryWorker(log_dir / "federation-worker-states.log", "bench", concurrency=WORKER_PROCESSES):
        while Message.objects.filter(state__in=OPEN_STATES).exists():
            time.sleep(0.2)
    sent = Message.objects.filter(kind=STATUS_KIND, source_schema=source, payload__version__gte=version)
    first, last = sent.aggregate(Min("last_attempt_at"), Max("delivered_at")).values()
    seconds = (last - first).total_seconds()
    superseded = sent.filter(outcome="superseded").count()
    sent.delete()
    return {
        "messages": appeals * 2,
        "rate": appeals * 2 / seconds,
        "seconds": seconds,
        "superseded": superseded,
    }


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
    for keyed in (False, True):
        for _ in range(BACKLOG_RUNS):
            result = backlog_drain(sources, log_dir, keyed=keyed)
            print(
                f"relay throughput, backlog of {result['messages']} to the region"
                f"{', a key each' if keyed else ''} (worker started on it): "
                f"{result['rate']:6.0f} messages/s "
                f"({result['seconds']:.1f} s first claim to last acknowledgement)"
            )
            cleanup()
    for _ in range(BACKLOG_RUNS):
        result = state_backlog(sources, log_dir)
        print(
            f"relay throughput, backlog of {result['messages']} appeal states to the read model "
            f"(2 per appeal, {result['superseded']} superseded): {result['rate']:6.0f} messages/s "
            f"({result['seconds']:.1f} s first claim to last acknowledgement)"
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
