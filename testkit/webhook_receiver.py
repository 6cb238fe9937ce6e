"""A real HTTP server on loopback standing in for an integrator's system receiving iKOMEK webhooks.

It checks each delivery as graphql/README.md ("Following changes") tells an integrator to, with its
own few lines (not iKOMEK's code, so the two sides check each other): the HMAC over
`<timestamp>.<body>` against any `v1=` of the signature header, a timestamp within 5 minutes, the
delivery id in the header equal to the body's `id`. It keeps the first copy of each delivery id
(a repeat is acknowledged and counted, not kept), can answer a fixed status (503: "down for
maintenance"), and can be taken down (connections refused) and brought back on the same port.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.loopback import LoopbackServer, answer


def verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    timestamp = headers.get("X-Ikomek-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return False
    expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    given = headers.get("X-Ikomek-Signature", "").split(",")
    if not any(hmac.compare_digest(expected, one.strip()) for one in given):
        return False
    return json.loads(body).get("id") == headers.get("X-Ikomek-Message-Id")


@dataclass
class WebhookReceiver(LoopbackServer):
    secret: str = ""
    port: int = 0
    status: int = 200  # what an accepted, correctly signed delivery is answered
    path: str = "/ikomek/hooks"
    notices: list[dict] = field(default_factory=list)  # first copies, in arrival order
    answered: list[int] = field(default_factory=list)  # every request's status, in order
    repeats: int = 0  # deliveries acknowledged again (same id)
    _seen: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = dict(handler.headers.items())
        status = self.status if verified(self.secret, headers, body) else 401
        with self._lock:
            self.answered.append(status)
            if 200 <= status < 300:
                notice = json.loads(body)
                if notice["id"] in self._seen:
                    self.repeats += 1
                else:
                    self._seen.add(notice["id"])
                    self.notices.append(notice)
        answer(handler, status)
