"""A real HTTP server on loopback standing in for a 112 centre's own dispatch system (CAD).

It verifies the HMAC signature itself (its own few lines, not iKOMEK's code, so the two sides
check each other), records every request, acknowledges a repeated message id without recording
a second document, and can be taken down (connections refused), told to answer 500, to hang
before answering, and brought back on the same port. It can also sign status callbacks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from demo.loopback import LoopbackServer, answer

SIGNATURE = "X-Ikomek-Signature"
TIMESTAMP = "X-Ikomek-Timestamp"
MESSAGE_ID = "X-Ikomek-Message-Id"


def hmac_v1(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


@dataclass
class Received:
    message_id: str
    signature_ok: bool
    body: bytes
    headers: dict[str, str]
    answered: int


@dataclass
class CadStub(LoopbackServer):
    secret: str
    port: int = 0
    mode: str = "ok"  # ok | error (answer 500) | hang (answer after hang_seconds) | status
    hang_seconds: float = 30.0
    fixed_status: int = 200  # the answer in mode "status" (e.g. 422, 429)
    requests: list[Received] = field(default_factory=list)  # recorded when answered
    requests_started: int = 0  # counted on arrival (a hanging request is started, not yet answered)
    documents: dict[str, dict] = field(default_factory=dict)  # by message id, first copy only
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -------------------------------------------------------------- lifecycle
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/eido"

    # -------------------------------------------------------------- receiving
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests_started += 1
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        headers = {key: value for key, value in handler.headers.items()}
        timestamp = handler.headers.get(TIMESTAMP, "")
        message_id = handler.headers.get(MESSAGE_ID, "")
        signature_ok = hmac.compare_digest(
            handler.headers.get(SIGNATURE, ""), hmac_v1(self.secret, timestamp, body)
        )
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 300
        mode = self.mode
        if mode == "hang":
            time.sleep(self.hang_seconds)
        status = 200
        if not signature_ok or not fresh:
            status = 401
        elif mode == "error":
            status = 500
        elif mode == "status":
            status = self.fixed_status
        with self._lock:
            self.requests.append(Received(message_id, signature_ok, body, headers, status))
            duplicate = message_id in self.documents
            if 200 <= status < 300 and not duplicate:
                self.documents[message_id] = json.loads(body)
        reply = json.dumps({"received": message_id, "duplicate": duplicate}).encode()
        answer(handler, status, reply, "application/json")

    # -------------------------------------------------------------- calling back
    def status_callback(
        self,
        incident_id: str,
        status: str,
        *,
        timestamp: float | None = None,
        message_id: str | None = None,
        **extra: object,
    ) -> tuple[bytes, dict[str, str]]:
        """A signed status update body and its headers, as the CAD would POST them to iKOMEK."""
        message_id = message_id or str(uuid.uuid4())
        update = {
            "messageId": message_id,
            "schemaVersion": "1",
            "incidentId": incident_id,
            "incidentStatusCommonRegistryText": status,
            "lastUpdateTimeStamp": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            **extra,
        }
        body = json.dumps({"statusUpdate": update}).encode()
        stamp = str(int(timestamp if timestamp is not None else time.time()))
        return body, {SIGNATURE: hmac_v1(self.secret, stamp, body), TIMESTAMP: stamp, MESSAGE_ID: message_id}
