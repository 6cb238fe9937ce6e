"""A CAD call ends at its wall-clock deadline and reads a bounded answer, whatever the CAD does.

The CAD here is a real HTTP server on loopback that misbehaves on purpose: it trickles its answer
one byte at a time, each byte well within the per-read timeout (so only a deadline can end the
call), or answers with far more than a CAD ever says.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from federation.emergency_112.cad_sender import Verdict, send_document

BYTE_EVERY = 0.2  # seconds between trickled bytes: well under the read timeout below


@dataclass
class MisbehavingCad:
    mode: str
    server: ThreadingHTTPServer | None = None
    cut_off: threading.Event = field(default_factory=threading.Event)  # the sender closed on us
    finished: threading.Event = field(default_factory=threading.Event)  # we said all we meant to

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/eido"

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        out = handler.wfile
        try:
            if self.mode == "trickle_headers":
                out.write(b"HTTP/1.1 200 OK\r\n")
                self._trickle(out, b"X-Slow: " + b"z" * 10_000)
            elif self.mode == "trickle_body":
                out.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n")
                self._trickle(out, b"{" * 5000)
            elif self.mode == "slow_in_time":
                out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n")
                self._trickle(out, b"{ok}")
            elif self.mode == "declares_too_much":
                out.write(b"HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n")
                self._stream(out)
            elif self.mode == "streams_too_much":
                out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
                self._stream(out)
            elif self.mode == "refuses_at_length":
                out.write(b"HTTP/1.1 422 Unprocessable\r\nConnection: close\r\n\r\n")
                self._stream(out)
            self.finished.set()
        except OSError:
            self.cut_off.set()

    def _trickle(self, out: object, data: bytes) -> None:
        for i in range(len(data)):
            out.write(data[i : i + 1])
            out.flush()
            time.sleep(BYTE_EVERY)

    def _stream(self, out: object) -> None:
        chunk = b"x" * 65536
        for _ in range(1600):  # 100 MB, sent as fast as the sender reads
            out.write(chunk)


@pytest.fixture
def misbehaving() -> Iterator[object]:
    started: list[MisbehavingCad] = []

    def start(mode: str) -> MisbehavingCad:
        cad = MisbehavingCad(mode)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                cad.answer(self)
                self.close_connection = True

            def log_message(self, *_args: object) -> None:
                pass

        cad.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        cad.server.daemon_threads = True
        threading.Thread(target=cad.server.serve_forever, daemon=True).start()
        started.append(cad)
        return cad

    yield start
    for cad in started:
        cad.server.shutdown()
        cad.server.server_close()


@pytest.fixture
def quick(settings):
    settings.EMERGENCY_CAD_READ_TIMEOUT_SECONDS = 2.0
    settings.EMERGENCY_CAD_DEADLINE_SECONDS = 1.5
    settings.EMERGENCY_CAD_MAX_RESPONSE_BYTES = 64 * 1024
    return settings


def timed_send(url: str) -> tuple[object, float]:
    started = time.monotonic()
    outcome = send_document(endpoint_url=url, secret="s", body=b'{"a":1}', message_id="m-1")
    return outcome, time.monotonic() - started


@pytest.mark.parametrize("mode", ["trickle_headers", "trickle_body"])
def test_a_cad_that_trickles_its_answer_is_cut_at_the_deadline(quick, misbehaving, mode):
    cad = misbehaving(mode)
    outcome, took = timed_send(cad.url)
    assert outcome.verdict == Verdict.RETRY
    assert outcome.detail == "deadline: no whole answer within 1.5 s"
    # Per-read timeouts alone would have waited 5000 x 0.2 s; the deadline ends it on time.
    assert 1.4 <= took < 2.5
    # The CAD sees the connection closed under it, long before it finished its answer.
    assert cad.cut_off.wait(5) and not cad.finished.is_set()


def test_a_slow_answer_that_completes_in_time_is_delivered(quick, misbehaving):
    cad = misbehaving("slow_in_time")  # 4 bytes, 0.8 s: slow, but inside the deadline
    outcome, took = timed_send(cad.url)
    assert (outcome.verdict, outcome.status_code, outcome.detail) == (Verdict.DELIVERED, 200, "{ok}")
    assert took < 1.5


@pytest.mark.parametrize("mode", ["declares_too_much", "streams_too_much"])
def test_an_oversized_answer_is_refused_unread(quick, misbehaving, mode):
    cad = misbehaving(mode)
    outcome, took = timed_send(cad.url)
    # A 200 with 100 MB is no CAD's acknowledgement: retried (the CAD deduplicates by message id).
    assert (outcome.verdict, outcome.status_code) == (Verdict.RETRY, 200)
    assert outcome.detail == "answer larger than 65536 bytes, not read"
    assert took < 1.5 and cad.cut_off.wait(5) and not cad.finished.is_set()


def test_an_oversized_refusal_keeps_its_verdict(quick, misbehaving):
    outcome, _took = timed_send(misbehaving("refuses_at_length").url)
    assert (outcome.verdict, outcome.status_code) == (Verdict.DEAD, 422)
    assert "larger than 65536 bytes" in outcome.detail


def test_the_deadline_ends_a_call_the_cad_never_answers(quick):
    """A listener that accepts and never answers: the read timeout is longer than the deadline."""
    quick.EMERGENCY_CAD_READ_TIMEOUT_SECONDS = 30.0
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        outcome, took = timed_send(f"http://127.0.0.1:{listener.getsockname()[1]}/eido")
    assert outcome.verdict == Verdict.RETRY and outcome.detail.startswith("deadline:")
    assert 1.4 <= took < 2.5
