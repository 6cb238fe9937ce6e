"""An HTTP session whose calls end at a wall-clock deadline, whatever the far end does.

requests' timeouts are per socket operation: a server that trickles a byte every few seconds (in
the TLS handshake, the headers or the body) keeps a call alive for ever. Inside `deadline(seconds)`
every connection the session opens is watched; when the time is up a watcher thread shuts its
socket down, so the blocked read fails at once and the caller sees `Deadline.expired`.

`deadline(seconds, public_only=True)` also refuses a connection whose far end is not a public
address, before a byte is sent: a name is checked where it was resolved, at the connection, so
neither a name that resolves inside nor one that changes its answer after a check gets through
(`Deadline.refused` says which address). Through a proxy the far end is the proxy: its egress
policy decides.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


class InternalAddressRefused(OSError):
    """The connection reached an address that is not public, where only public ones may be called."""


class Deadline:
    def __init__(self, seconds: float, *, public_only: bool = False) -> None:
        self.seconds = seconds
        self.public_only = public_only
        self.expired = False
        self.refused: str | None = None  # the internal address a public-only call reached
        self._ends_at = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="http-deadline", daemon=True)

    def watch(self, sock: socket.socket) -> None:
        # A duplicate of our own: shutting it down cuts the connection even once TLS has wrapped
        # (and detached) the original socket, and its number cannot be reused by someone else.
        with self._lock:
            self._sockets.append(sock.dup())
        if self.expired:  # opened after the watcher cut the others
            self._cut()

    def _watch(self) -> None:
        if not self._finished.wait(max(0.0, self._ends_at - time.monotonic())):
            self.expired = True
            self._cut()

    def _cut(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with suppress(OSError):  # already closed by the far end
                    sock.shutdown(socket.SHUT_RDWR)

    def _finish(self) -> None:
        self._finished.set()
        self._watcher.join()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


@contextmanager
def deadline(seconds: float, *, public_only: bool = False) -> Iterator[Deadline]:
    """Calls of a `DeadlineSession` made by this thread inside the block end after `seconds`; with
    `public_only`, they reach public addresses only."""
    watch = Deadline(seconds, public_only=public_only)
    _current.deadline = watch
    watch._watcher.start()
    try:
        yield watch
    finally:
        _current.deadline = None
        watch._finish()


class _WatchedConnection:
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        watch = getattr(_current, "deadline", None)
        if watch is not None:
            watch.watch(sock)
            if watch.public_only and getattr(self, "proxy", None) is None:
                _refuse_internal(sock, watch)
        return sock


def _refuse_internal(sock: socket.socket, watch: Deadline) -> None:
    peer = str(sock.getpeername()[0])
    if ipaddress.ip_address(peer).is_global:
        return
    watch.refused = peer
    sock.close()
    raise InternalAddressRefused(f"{peer} is not a public address")


class _HTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class _HTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _DeadlineAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools are their own; those calls are unwatched
            manager.pool_classes_by_scheme = _POOLS
        return manager


class DeadlineSession(requests.Session):
    """A requests session whose connections `deadline()` can cut.

    Use one per call (`with DeadlineSession() as session`): a connection kept alive from an earlier
    call was opened outside the current deadline and would not be watched.
    """

    def __init__(self) -> None:
        super().__init__()
        adapter = _DeadlineAdapter(max_retries=0)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
