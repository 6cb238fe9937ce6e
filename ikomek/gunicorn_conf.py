"""gunicorn settings shared by `make run`, the benches, the tests' web server and the image
(`gunicorn -c python:ikomek.gunicorn_conf`). Flags on the command line win over these."""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cpus(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The CPUs this process may use: its affinity, lowered by a cgroup v2 quota (a container's
    --cpus), which os.cpu_count() ignores and would size the workers for the whole host."""
    cpus = len(os.sched_getaffinity(0))
    try:
        quota, period = cpu_max.read_text().split()[:2]
    except (OSError, ValueError):
        return cpus
    if quota == "max":
        return cpus
    return max(1, min(cpus, math.ceil(int(quota) / int(period))))


def worker_count(environ: Mapping[str, str] = os.environ, cpus: int | None = None) -> int:
    """WEB_CONCURRENCY when set (gunicorn's own variable), else 2 x CPUs + 1: sync workers wait on
    PostgreSQL, Redis and Keycloak about as long as they compute, so two per CPU keep it busy."""
    if environ.get("WEB_CONCURRENCY"):
        count = int(environ["WEB_CONCURRENCY"])
        if count < 1:
            raise ValueError(f"WEB_CONCURRENCY must be at least 1, not {count}")
        return count
    return 2 * (cpus if cpus is not None else usable_cpus()) + 1


workers = worker_count()


def post_worker_init(worker: Any) -> None:
    """The worker's listening sockets, for load shedding to read the accept queue's length; what its
    first request would load, loaded before it accepts one (ikomek/warmup.py); and all that, frozen
    out of the garbage collector's full passes."""
    from ikomek import shedding, warmup

    shedding.listening([listener.sock for listener in worker.sockets])
    warmup.warm()
    # A loaded worker tracks about 200,000 objects that live as long as it does (modules, the
    # GraphQL schema, URL patterns): a full collection walked them all, 110-120 ms during which
    # the worker answered nobody (measured in the storm, once per worker a run). Frozen, a full
    # pass walks only what requests left behind.
    gc.freeze()
