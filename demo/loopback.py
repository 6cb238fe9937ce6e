"""What every stand-in for an outside party shares: a threaded HTTP server on 127.0.0.1 that hands
each POST to its owner, can be taken down (connections refused) and brought back on the same port.

The SMS provider (`demo.sms_stub`), the 112 CAD (`testkit.cad_stub`) and an integrator's webhook
receiver (`testkit.webhook_receiver`) differ only in what they check and keep (`_handle`).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LoopbackServer:
    """Mixed into a dataclass that declares `port: int = 0` and `_server: ... = None`."""

    port: int
    _server: ThreadingHTTPServer | None

    @property
    def is_up(self) -> bool:
        return self._server is not None

    def start(self) -> Self:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner._handle(self)

            def log_message(self, *_args: object) -> None:
                pass

        # HTTPServer sets SO_REUSEADDR, so a stand-in can come back on the port it had.
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until start() again."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError


def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", content_type: str = "") -> None:
    """The reply, unless the sender gave up (a timeout, a killed worker) before it."""
    try:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except OSError:
        pass
