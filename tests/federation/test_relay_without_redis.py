"""Redis is not on the intake path: with Redis really stopped, `createAppeal` keeps its latency (the
kicks after its commit and the cache reads fail at once), and once Redis is back the sweep delivers
what was committed meanwhile, as far as the region's read model.

Real processes: a private Redis that is started and killed, a process making the requests through
the real GraphQL view (its REDIS_URL points at that Redis), then a Celery worker and beat on a fresh
one.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_context

from federation.messaging.models import Message, MessageState
from regional.models.read_model import AppealFact
from tenants.models import Akimat
from testkit.identities import user_with_roles
from testkit.processes import ROOT, celery_beat, env_for_test_database, private_redis, wait_until
from testkit.tenants import scratch_akimat, square_district
from tests.federation.conftest import RELAY_ENV, relay_worker

pytestmark = pytest.mark.slow

# A request must not wait for Redis: its own duration stays under this with Redis down.
DOWN_BOUND_MS = 250
PER_PHASE = 12


@pytest.fixture(scope="module")
def district(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[Akimat]:
    spec = square_district("relay-noredis", "599600000", "No Redis District", west=69.3)
    with scratch_akimat(spec, django_db_blocker) as tenant:
        yield tenant


def test_intake_keeps_its_latency_with_redis_down_and_the_sweep_delivers_after(committed, district, tmp_path):
    with schema_context(district.schema_name):
        user_with_roles("noredis-operator", "operator")
    host = district.domains.get().domain
    with private_redis(tmp_path) as (url, redis_process):
        # No pause between failed kicks: every request tries Redis, and must still not wait for it.
        env = env_for_test_database() | {"REDIS_URL": url, "FEDERATION_KICK_PAUSE_SECONDS": "0"}
        with (tmp_path / "requests.log").open("w") as log:
            child = subprocess.Popen(
                [
                    *(sys.executable, "-m", "tests.federation.intake_timing"),
                    *(district.schema_name, host, "noredis-operator", str(PER_PHASE)),
                ],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
            try:
                up = json.loads(child.stdout.readline() or "{}")
                assert "ms" in up, (up, (tmp_path / "requests.log").read_text()[-3000:])
                redis_process.kill()  # Redis is down from here on: connections are refused
                redis_process.wait(timeout=10)
                child.stdin.write("\n")
                child.stdin.flush()
                down = json.loads(child.stdout.readline() or "{}")
                assert child.wait(timeout=120) == 0, (tmp_path / "requests.log").read_text()[-3000:]
            finally:
                if child.poll() is None:
                    child.kill()
    assert "ms" in down, down
    # The first requests of a process warm it up; every one made with Redis down is measured.
    shown = (
        f"Redis up: median {statistics.median(up['ms'][1:]):.0f} ms; down: {[round(t) for t in down['ms']]}"
    )
    assert max(down["ms"]) < DOWN_BOUND_MS, shown
    log_text = (tmp_path / "requests.log").read_text()
    assert "kicks are skipped" in log_text  # the kicks did try, and failed

    # Nothing was delivered while Redis was gone (not even what committed while it was up: no worker).
    sent = Message.objects.filter(source_schema=district.schema_name)
    assert sent.count() >= 2 * PER_PHASE and not sent.filter(state=MessageState.DELIVERED).exists()
    numbers = up["numbers"] + down["numbers"]

    # Redis is back (a fresh one: the queued kicks are gone with the old); a worker and beat start.
    folder = tmp_path / "after"
    folder.mkdir()
    with private_redis(folder) as (url, _process):
        env = RELAY_ENV | {"REDIS_URL": url}
        with relay_worker(folder / "worker.log", "-n", "after@%h", env=env), celery_beat(folder, env=env):
            assert wait_until(lambda: not sent.exclude(state=MessageState.DELIVERED).exists(), timeout=90), (
                folder / "worker.log"
            ).read_text()[-3000:]
    assert set(sent.values_list("delivered_via", flat=True)) == {"sweep"}
    facts = AppealFact.objects.filter(schema=district.schema_name, number__in=numbers)
    assert sorted(facts.values_list("number", flat=True)) == sorted(numbers)
    assert set(facts.values_list("status", flat=True)) <= {"registered", "assigned"}
