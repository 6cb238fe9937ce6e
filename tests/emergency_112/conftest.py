"""Fixtures of the 112 tests: incident inputs for real tenants, dispatchers, centres, real processes."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from accounts.principal import Principal
from accounts.roles import Role
from federation.emergency_112.documents import (
    build_request_for_service,
)
from federation.emergency_112.models import EmergencyCentre
from tenants.models import Akimat
from tests.emergency_112.factories import EMERGENCY_TABLES, make_input
from tests.support.cad_stub import CadStub
from tests.support.processes import ROOT, env_for_test_database


@pytest.fixture
def document_for(onboarded: dict[str, Akimat]) -> Callable[..., dict]:
    def build(slug: str = "petropavlovsk", **overrides: object) -> dict:
        return build_request_for_service(make_input(onboarded[slug], **overrides))

    return build


def principal_with(*roles: Role, name: str = "disp") -> Principal:
    return Principal(
        subject=f"local:{name}",
        issuer="local",
        username=name,
        display_name=name.title(),
        kind="user",
        roles=frozenset(roles),
    )


@pytest.fixture
def dispatcher() -> Principal:
    return principal_with(Role.DISPATCHER_112, name="dispatcher-aida")


@pytest.fixture
def operator() -> Principal:
    return principal_with(Role.OPERATOR, name="operator-109")


def client_for(username: str, *groups: str) -> Client:
    """A logged-in browser on the regional host: a public-schema user with realm-role groups."""
    user = User.objects.create_user(username=username, password="unused-in-tests")
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def make_centre(stub: CadStub | None = None, **overrides: object) -> EmergencyCentre:
    values: dict[str, object] = {
        "slug": f"c112-{uuid.uuid4().hex[:6]}",
        "name_kk": "Бірыңғай 112 орталығы",
        "name_ru": "Единый центр 112",
        "is_primary": True,
        "runs_own_cad": stub is not None,
        "endpoint_url": stub.url if stub else "",
        "secret": stub.secret if stub else "",
    }
    values.update(overrides)
    return EmergencyCentre.objects.create(**values)


@pytest.fixture
def cad_stub() -> Iterator[CadStub]:
    stub = CadStub(secret=f"s3cret-{uuid.uuid4().hex}").start()
    yield stub
    stub.stop()


def truncate_emergency_tables() -> None:
    """Empty the 112 register and the outbox (committed tests), and the broker's queue.

    TRUNCATE fires no row triggers: the append-only rule on events stays intact for DELETE.
    Identities are not restarted and the ordering counters are kept: receivers remember the last
    sequence per key (`incident:<id>`, `alarm:<id>`), so a key must never start again from 1.
    """
    from ikomek.celery import app

    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {', '.join(EMERGENCY_TABLES)}, federation_messageevent, federation_message CASCADE"
        )
    app.control.purge()


@pytest.fixture
def committed(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Autocommit access for tests with real worker processes; their rows are removed afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        truncate_emergency_tables()
        yield
        connection.set_schema_to_public()
        truncate_emergency_tables()


# Quick relay retries and sweeps for the tests' workers (the production defaults are 2 s … 10 min).
WORKER_ENV = {
    "FEDERATION_RETRY_BASE_SECONDS": "0.3",
    "FEDERATION_RETRY_MAX_SECONDS": "1",
    "FEDERATION_SWEEP_SECONDS": "1",
    "FEDERATION_SWEEP_GRACE_SECONDS": "1",
    "EMERGENCY_CAD_READ_TIMEOUT_SECONDS": "20",
    "EMERGENCY_WATCHDOG_SECONDS": "1",
}


@contextmanager
def celery_process(
    log_path: Path, *command: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """A real `celery -A ikomek <command>` on the test broker and database; killed at the end."""
    connection.close()  # the child must not inherit our socket
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ikomek", *command],
        cwd=ROOT,
        env={**env_for_test_database(), **WORKER_ENV, **(env or {})},
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def worker_command() -> tuple[str, ...]:
    return (
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )


def beat_command(tmp_path: Path) -> tuple[str, ...]:
    return ("beat", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule"))


def outbox(kind: str, **filters: object) -> list:
    """Messages of a kind in the outbox (public schema), in the order they were written."""
    from federation.models import Message

    return list(Message.objects.filter(kind=kind, **filters).order_by("created_at", "sequence"))


def statuses_sent(incident: object) -> list[dict]:
    """The `emergency_112.status` payloads written for an incident, oldest first."""
    return [
        message.payload for message in outbox("emergency_112.status", ordering_key=f"incident:{incident.pk}")
    ]


@pytest.fixture
def petropavlovsk(tenants: dict[str, Akimat]) -> Iterator[Akimat]:
    """Run the test inside Petropavlovsk's schema (the test transaction still rolls it back)."""
    from django_tenants.utils import tenant_context

    from appeals.catalogue.cache import forget_categories
    from appeals.working_calendar import forget_tenant_calendar

    # As a fresh process: no catalogue rows cached from a rolled-back test of another package.
    forget_categories()
    forget_tenant_calendar()
    with tenant_context(tenants["petropavlovsk"]):
        yield tenants["petropavlovsk"]
