"""gunicorn settings shared by `make run`, the benches and the tests' web server
(`gunicorn -c python:ikomek.gunicorn_conf`)."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """The worker's listening sockets, for load shedding to read the accept queue's length."""
    from ikomek import shedding

    shedding.listening([listener.sock for listener in worker.sockets])
