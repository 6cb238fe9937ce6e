"""Helpers shared by the bench scripts: Django setup, a web server, an HTTP load generator."""

from __future__ import annotations

import http.client
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikomek.settings")


# The bench's sessions post to /graphql/ as a browser does, with the CSRF cookie and header (a
# session's POST without them is refused); Django takes an unmasked 32-character secret.
CSRF_TOKEN = "b" * 32
CSRF_HEADERS = {"X-CSRFToken": CSRF_TOKEN}


def with_csrf(cookie: str) -> str:
    """A session's cookie header with the CSRF cookie next to it."""
    return f"{cookie}; csrftoken={CSRF_TOKEN}"


def setup_django() -> None:
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float], unit: str = "ms") -> str:
    return (
        f"n={len(values)} median={statistics.median(values):.1f}{unit} "
        f"p90={percentile(values, 0.9):.1f}{unit} min={min(values):.1f}{unit} max={max(values):.1f}{unit}"
    )


class CeleryWorker:
    """`celery worker` with prefork processes on this project, its log in a file; waits until it is
    ready (at INFO it says so; at WARNING it does not, so it is given a few seconds)."""

    def __init__(
        self,
        log_path: Path,
        name: str,
        *,
        concurrency: int = 2,
        loglevel: str = "INFO",
        queues: str = "",
        nice: int = 0,
    ) -> None:
        self.log_path = log_path
        self.name = name
        self.concurrency = concurrency
        self.loglevel = loglevel
        self.queues = queues  # blank: the default queue, and `cad` too when its setting is eager
        self.nice = nice  # below 0 (root only): its CPU before the others' when the cores are full
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> CeleryWorker:
        from django.db import connection

        connection.close()  # not shared with the forked processes
        self.process = subprocess.Popen(
            [*(["nice", "-n", str(self.nice)] if self.nice else []),
             sys.executable, "-m", "celery", "-A", "ikomek", "worker", "--concurrency", str(self.concurrency),
             "--loglevel", self.loglevel, "-n", f"{self.name}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat", *(["-Q", self.queues] if self.queues else [])],
            cwd=ROOT, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        if self.loglevel not in ("INFO", "DEBUG"):
            time.sleep(3)
            return self
        deadline = time.monotonic() + 60
        while " ready." not in self.log_path.read_text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"worker did not start, see {self.log_path}")
            time.sleep(0.2)
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self.process
        self.process.terminate()
        self.process.wait(timeout=30)


class WebServer:
    """gunicorn with as many sync workers as cores (measured best on 2 cores), on loopback."""

    def __init__(self, port: int, workers: int | None = None, access_log: Path | None = None) -> None:
        self.port = port
        self.workers = workers or os.cpu_count() or 2
        # Each request's own time in gunicorn (`ServerTimes` reads it), when a file is given.
        self.access_log = access_log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> WebServer:
        logging = []
        if self.access_log is not None:
            self.access_log.write_text("")
            logging = ["--access-logfile", str(self.access_log), "--access-logformat", ServerTimes.FORMAT]
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "ikomek.wsgi:application",
                "-c",
                "python:ikomek.gunicorn_conf",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                os.environ.get("BENCH_WEB_WORKER_CLASS", "sync"),
                "--threads",
                os.environ.get("BENCH_WEB_THREADS", "1"),
                "--backlog",
                os.environ.get("BENCH_WEB_BACKLOG", "1024"),  # as `make run` (decisions 67, 87)
                "--log-level",
                "warning",
                *logging,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/healthz", headers={"Host": "localhost"})
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *_exc: object) -> None:
        assert self.process
        self.process.terminate()
        self.process.wait(timeout=20)


class ServerTimes:
    """The server's time of each request as gunicorn's access log states it: from the parsed request
    to the last byte of the answer written, without the client's side of loopback. The requests are
    sequential, so the next `n` lines of the log are the caller's next `n` requests."""

    FORMAT = "%(D)s %(s)s %(m)s %(U)s"  # microseconds, status, method, path

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def skip_to_end(self) -> None:
        """Forget what is logged so far (e.g. the start-up probe); call when no request is on its way."""
        time.sleep(0.2)
        self.offset = self.path.stat().st_size

    def take(self, n: int, timeout: float = 10.0) -> list[float]:
        """Milliseconds of the next `n` requests logged (a worker writes its line just after the
        answer, so the last one may lag a moment behind the client)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                logged = handle.read()
            lines = logged.split(b"\n")[:-1]  # complete lines only
            if len(lines) >= n:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.path}: {len(lines)} requests logged, expected {n}")
            time.sleep(0.01)
        taken = lines[:n]
        self.offset += sum(len(line) + 1 for line in taken)
        return [int(line.split()[0]) / 1000 for line in taken]


def load(port: int, host: str, path: str, seconds: float = 10.0, connections: int = 8) -> dict[str, float]:
    """Requests per second with wrk when installed, else with a threaded Python client."""
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run(
            [
                wrk,
                "-t2",
                f"-c{connections}",
                f"-d{int(seconds)}s",
                "-H",
                f"Host: {host}",
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rps = float(next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1])
        return {"rps": rps, "tool": 0.0}
    count = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        done = 0
        while time.monotonic() < stop:
            try:
                conn.request("GET", path, headers={"Host": host})
                response = conn.getresponse()
                response.read()
                if response.getheader("Connection") == "close":
                    conn.close()
                done += 1
            except OSError:
                conn.close()
        with lock:
            count[0] += done

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": count[0] / (time.monotonic() - started), "tool": 1.0}


# Which processes are which part of the platform, by a fragment of their command line (first match).
CPU_PARTS = [
    ("gunicorn", "web"), ("postgres", "PostgreSQL"),
    # The busiest day's workers by queue (their -n names); any other worker is the relay's.
    ("busiest-cad@", "relay: 112 CAD"), ("busiest-urgent@", "relay: urgent lane"),
    ("celery", "relay workers"), ("wrk", "load (wrk)"),
    ("busiest_day", "load (driver)"), ("redis-server", "Redis"), ("java", "Keycloak"), ("nginx", "nginx"),
]  # fmt: skip


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """CPU time used so far by each process of the platform: pid -> (part, seconds), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        part = next((name for needle, name in CPU_PARTS if needle in command), None)
        if part:
            found[int(entry.name)] = (part, (int(fields[11]) + int(fields[12])) / tick)
    return found


def listen_overflows() -> int:
    """Connections the kernel turned away since boot because a listening socket's accept queue was
    full (TcpExt ListenOverflows, /proc/net/netstat): each is a caller's SYN dropped, retried by its
    TCP 1 s, 3 s, 7 s later, so a few seconds appear in its latency that no process measured."""
    names: list[str] = []
    for line in Path("/proc/net/netstat").read_text().splitlines():
        if not line.startswith("TcpExt:"):
            continue
        if not names:
            names = line.split()
        else:
            return int(dict(zip(names, line.split(), strict=True)).get("ListenOverflows", 0))
    return 0


def cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the processes of each part (web, database, workers, load), from /proc."""
    parts: dict[str, float] = {}
    for part, seconds in cpu_by_process().values():
        parts[part] = parts.get(part, 0.0) + seconds
    return parts


def cpu_used(samples: list[dict[int, tuple[str, float]]]) -> dict[str, float]:
    """CPU seconds each part used between the first and the last of samples taken often (a second
    apart): summed interval by interval, so a process that ends (an autovacuum worker, a closed
    connection's backend) takes nothing back with it, and one that starts counts from its start."""
    used: dict[str, float] = {}
    for before, after in itertools.pairwise(samples):
        for pid, (part, seconds) in after.items():
            earlier = before.get(pid)
            used[part] = used.get(part, 0.0) + seconds - (earlier[1] if earlier else 0.0)
    return used
