"""gunicorn's worker count (ikomek/gunicorn_conf.py): WEB_CONCURRENCY, else 2 x usable CPUs + 1,
where a cgroup v2 CPU quota (a container's --cpus) lowers what the process's affinity allows; and
what a new worker does before it accepts a request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ikomek.gunicorn_conf import usable_cpus, worker_count
from testkit.processes import ROOT


def test_web_concurrency_wins_and_must_be_positive():
    assert worker_count({"WEB_CONCURRENCY": "3"}, cpus=16) == 3
    with pytest.raises(ValueError, match="at least 1"):
        worker_count({"WEB_CONCURRENCY": "0"}, cpus=2)


def test_two_workers_per_cpu_and_one():
    assert worker_count({}, cpus=1) == 3
    assert worker_count({}, cpus=4) == 9
    assert worker_count({"WEB_CONCURRENCY": ""}, cpus=2) == 5


def test_a_cgroup_quota_lowers_the_cpus(tmp_path):
    affinity = len(os.sched_getaffinity(0))
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("max 100000\n")
    assert usable_cpus(cpu_max) == affinity
    cpu_max.write_text("50000 100000\n")  # half a CPU: one, never zero
    assert usable_cpus(cpu_max) == 1
    cpu_max.write_text(f"{150000 * affinity} 100000\n")  # more than the affinity allows
    assert usable_cpus(cpu_max) == affinity
    assert usable_cpus(tmp_path / "absent") == affinity  # cgroup v1 or no cgroup file


def last_line(probe: str) -> str:
    """What `probe` printed last, run in a fresh interpreter (as a new worker process starts)."""
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow  # a fresh interpreter
def test_a_new_worker_loads_what_its_first_request_would_before_accepting_one_and_freezes_it():
    # A fresh interpreter, as a new gunicorn worker is: Django set up, nothing requested yet.
    probe = (
        "import gc, json, sys, django; django.setup()\n"
        "from ikomek import gunicorn_conf, shedding\n"
        "wanted = ['ikomek.urls_tenant', 'ikomek.urls_public', 'consoles.operator.views',\n"
        "          'holidays.countries.kazakhstan', 'celery.events']\n"
        "before = [m for m in wanted if m in sys.modules]\n"
        "class Listener:\n"
        "    sock = 'the listening socket'\n"
        "class Worker:\n"
        "    sockets = [Listener()]\n"
        "gunicorn_conf.post_worker_init(Worker())\n"
        "print(json.dumps({'before': before, 'after': [m for m in wanted if m in sys.modules],\n"
        "                  'listeners': shedding._listeners, 'frozen': gc.get_freeze_count()}))\n"
    )
    loaded = json.loads(last_line(probe))
    assert loaded["before"] == []
    assert loaded["after"] == [
        "ikomek.urls_tenant",
        "ikomek.urls_public",
        "consoles.operator.views",
        "holidays.countries.kazakhstan",
        "celery.events",
    ]
    assert loaded["listeners"] == ["the listening socket"]
    # What it loaded is out of the collector's full passes: the URL patterns, the schema, the rest.
    assert loaded["frozen"] > 100_000


@pytest.mark.slow  # a fresh interpreter
def test_a_celery_pool_process_freezes_what_it_was_forked_with():
    # As a prefork pool process starts: the app loaded in its parent, then `worker_process_init`.
    probe = (
        "import gc, django; django.setup()\n"
        "from ikomek.celery import app\n"
        "from celery.signals import worker_process_init\n"
        "app.loader.import_default_modules()\n"
        "before = gc.get_freeze_count()\n"
        "worker_process_init.send(sender=None)\n"
        "print(before, gc.get_freeze_count())\n"
    )
    before, after = map(int, last_line(probe).split())
    assert before == 0 and after > 100_000
