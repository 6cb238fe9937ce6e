"""A stand-in SMS provider: a real HTTP server on loopback, for `make run` and the tests (an SMS
provider is an outside party that cannot run here; decision 103).

It takes what iKOMEK's SMS delivery sends (`POST` JSON `{"id", "to", "sender", "text"}` with
`Authorization: Bearer <token>`): a wrong token is 401, a body that is not such JSON 400, a repeat
of an id is acknowledged again and not kept twice. Kept messages are listed in order and, with
`--log`, appended as JSON lines to a file (what a newcomer reads to see the SMS `make run` sent).
It can be told to answer a fixed status (503: "down") to exercise retries.

    python -m demo.sms_stub --port 18025 --token dev-sms-token --log .local/dev/sms.log
"""

from __future__ import annotations

import argparse
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from demo.loopback import LoopbackServer, answer

REQUIRED = ("id", "to", "sender", "text")


@dataclass
class SmsStub(LoopbackServer):
    token: str
    port: int = 0
    status: int = 202  # what an accepted message is answered
    log_path: Path | None = None
    messages: list[dict] = field(default_factory=list)  # first copies, in arrival order
    answered: list[int] = field(default_factory=list)  # every request's status, in order
    _seen: set[str] = field(default_factory=set)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/messages"

    def _verdict(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict | None]:
        if handler.path != "/messages":
            return 404, None
        if handler.headers.get("Authorization", "") != f"Bearer {self.token}":
            return 401, None
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            message = json.loads(handler.rfile.read(length))
        except ValueError:
            return 400, None
        if not isinstance(message, dict) or not all(isinstance(message.get(k), str) for k in REQUIRED):
            return 400, None
        return self.status, message

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        status, message = self._verdict(handler)
        with self._lock:
            self.answered.append(status)
            if message is not None and 200 <= status < 300 and message["id"] not in self._seen:
                self._seen.add(message["id"])
                self.messages.append(message)
                if self.log_path is not None:
                    with self.log_path.open("a", encoding="utf-8") as log:
                        log.write(json.dumps(message, ensure_ascii=False) + "\n")
        reply = json.dumps({"status": "accepted" if status < 300 else "refused"}).encode()
        answer(handler, status, reply, "application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--log", type=Path)
    options = parser.parse_args()
    stub = SmsStub(token=options.token, port=options.port, log_path=options.log).start()
    print(f"SMS stub on {stub.url}, messages in {options.log}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
