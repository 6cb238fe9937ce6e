"""CAD documents travel on a Celery queue of their own: a slow CAD holds only the CAD workers.

Real broker, real worker processes (one per queue, as `make run` starts them) and a real HTTP
server on loopback as the CAD, one that trickles its answer a byte at a time; probes to an akimat
stand for every other delivery (transfers, the read model, 112 forwards).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_context

from federation.emergency_112.actions import receive_incident
from federation.messaging.inbox.models import ProbeRecord
from federation.messaging.kicks import forget_all_marks
from federation.messaging.models import Message, MessageState
from federation.messaging.outbox import send
from ikomek.celery import app
from testkit.processes import celery_worker, wait_until
from tests.federation.emergency_112.conftest import WORKER_ENV, make_centre

CAD_KIND = "emergency_112.cad"
# The CAD calls end at this deadline (the trickle alone would take minutes).
ENV = WORKER_ENV | {"EMERGENCY_CAD_DEADLINE_SECONDS": "4"}


class TricklingCad:
    """Answers every POST one byte every 0.2 s, so each call lasts until the sender's deadline."""

    def __init__(self) -> None:
        self.active = 0
        self.started = 0
        self.lock = threading.Lock()
        cad = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with cad.lock:
                    cad.active += 1
                    cad.started += 1
                try:
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                    for _ in range(1000):
                        self.wfile.write(b"{")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass  # cut off by the sender's deadline
                finally:
                    with cad.lock:
                        cad.active -= 1

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/eido"
        self.secret = "trickle-" + "s" * 32

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def trickling() -> Iterator[TricklingCad]:
    cad = TricklingCad()
    yield cad
    cad.close()


@pytest.fixture
def probes(committed_112: None) -> Iterator[list[str]]:
    tokens: list[str] = []
    yield tokens
    with schema_context("petropavlovsk"):
        ProbeRecord.objects.filter(token__in=tokens).delete()


def broker_queue(name: str) -> list[dict]:
    """The task messages waiting in a queue of the broker (kombu keeps a Redis list per queue)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return [json.loads(raw) for raw in client.lrange(name, 0, -1)]


def probe_to_akimat(tokens: list[str]) -> str:
    token = f"probe-{uuid.uuid4().hex[:8]}"
    connection.set_schema_to_public()
    with transaction.atomic():
        send("federation.probe", {"token": token}, target="petropavlovsk")
    tokens.append(token)
    return token


def probe_applied(token: str) -> bool:
    with schema_context("petropavlovsk"):
        return ProbeRecord.objects.filter(token=token).exists()


def cad_messages() -> list[Message]:
    return list(Message.objects.filter(kind=CAD_KIND))


def test_a_cad_document_is_kicked_onto_the_cad_queue_and_nothing_else_is(
    committed_112, document_for, cad_stub
):
    app.control.purge()  # no task, and no mark saying one is queued, left by earlier tests
    forget_all_marks()
    make_centre(cad_stub)
    with transaction.atomic():
        receive_incident(document_for(), source_schema="petropavlovsk")
    (cad,) = cad_messages()
    tasks = {
        q: [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in broker_queue(q)]
        for q in ("cad", "urgent", "celery")
    }
    assert [task for task, _ in tasks["cad"]] == ["emergency_112.deliver_cad"]
    assert str(cad.pk) in tasks["cad"][0][1]
    # The incident's other messages (its status to the akimat) go on the urgent lane: one drain of
    # that akimat, on the queue of its own.
    assert [task for task, _ in tasks["urgent"]] == ["federation.drain_urgent"]
    assert "'petropavlovsk', 'urgent'" in tasks["urgent"][0][1]
    assert all(str(cad.pk) not in args for _, args in tasks["urgent"] + tasks["celery"])


@pytest.mark.slow
def test_a_slow_cad_holds_only_the_cad_workers(committed_112, probes, document_for, trickling, tmp_path):
    make_centre(runs_own_cad=True, endpoint_url=trickling.url, secret=trickling.secret)
    log = tmp_path / "worker.log"
    with celery_worker(log, "-Q", "celery", "-n", "ordinary@%h", env=ENV):
        # Only the ordinary queue is served: the CAD document waits for its own workers.
        with transaction.atomic():
            receive_incident(document_for(), source_schema="petropavlovsk")
        first = probe_to_akimat(probes)
        assert wait_until(lambda: probe_applied(first), timeout=30), log.read_text()[-3000:]
        time.sleep(1)
        assert trickling.started == 0
        assert [m.state for m in cad_messages()] == [MessageState.PENDING]

        cad_log = tmp_path / "cad-worker.log"
        with celery_worker(cad_log, "-Q", "cad", "-n", "cad@%h", env=ENV):
            assert wait_until(lambda: trickling.active == 1, timeout=30), cad_log.read_text()[-3000:]
            # The CAD call now hangs on a trickle; every other delivery goes on meanwhile.
            sent_at = time.monotonic()
            second = probe_to_akimat(probes)
            assert wait_until(lambda: probe_applied(second), timeout=10), log.read_text()[-3000:]
            took = time.monotonic() - sent_at
            assert trickling.active == 1, "the CAD call ended before the probe arrived: no overlap shown"
            assert took < 3
            # The trickling call is cut at its deadline and retried, as a timeout would be.
            assert wait_until(lambda: "deadline" in (cad_messages()[0].last_error or ""), timeout=20), (
                cad_log.read_text()[-3000:]
            )
    (cad,) = cad_messages()
    assert cad.state in (MessageState.RETRYING, MessageState.DELIVERING) and cad.attempts >= 1
    assert "no whole answer within 4 s" in cad.last_error
