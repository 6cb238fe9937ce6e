#!/opt/venv/bin/python
"""The image's HEALTHCHECK: asks the process the container runs (PID 1) whether it is alive.

web: GET /healthz on its own port, with the region's host name (the tenant middleware answers no
other host; IKOMEK_BASE_DOMAIN); worker: a Celery ping to its own node; beat and one-off commands:
running is healthy (a beat waiting for the lock is a healthy stand-by).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path


def main_command(cmdline: Path = Path("/proc/1/cmdline")) -> list[str]:
    return [part for part in cmdline.read_bytes().decode(errors="replace").split("\0") if part]


def web_alive() -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=5)
    host = os.environ.get("IKOMEK_HEALTHCHECK_HOST") or os.environ.get("IKOMEK_BASE_DOMAIN", "localhost")
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def worker_alive() -> bool:
    node = f"{os.environ.get('CELERY_WORKER_NAME', 'worker')}@{socket.gethostname()}"
    ping = ["celery", "-A", "ikomek", "inspect", "ping", "--timeout", "5", "--destination", node]
    return subprocess.run(ping, capture_output=True, timeout=9, check=False).returncode == 0  # noqa: S603


def healthy(command: list[str]) -> bool:
    joined = " ".join(command)
    if "gunicorn" in joined:
        return web_alive()
    if "celery" in joined and " worker" in joined:
        return worker_alive()
    return True


if __name__ == "__main__":
    sys.exit(0 if healthy(main_command()) else 1)
