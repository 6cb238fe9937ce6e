"""Fixtures of the 112 tests: incident inputs for real tenants, dispatchers, centres, real processes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from django.db import connection
from django.test import Client

from accounts.principal import Principal
from accounts.roles import Role
from federation.emergency_112.documents import (
    build_request_for_service,
)
from federation.emergency_112.models import EmergencyCentre
from tenants.models import Akimat
from testkit.cad_stub import CadStub
from testkit.emergency_factories import EMERGENCY_TABLES, make_input
from testkit.identities import logged_in, principal, user_with_roles


@pytest.fixture
def document_for(onboarded: dict[str, Akimat]) -> Callable[..., dict]:
    def build(slug: str = "petropavlovsk", **overrides: object) -> dict:
        return build_request_for_service(make_input(onboarded[slug], **overrides))

    return build


@pytest.fixture
def dispatcher() -> Principal:
    return principal(Role.DISPATCHER_112, name="dispatcher-aida", tenant=None)


@pytest.fixture
def operator() -> Principal:
    return principal(Role.OPERATOR, name="operator-109", tenant=None)


def client_for(username: str, *roles: str) -> Client:
    """A logged-in browser on the regional host: a public-schema user with realm-role groups."""
    return logged_in(user_with_roles(username, *roles), host="localhost")


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


# Quick relay retries and sweeps for the tests' workers and beat (the production defaults are
# 2 s … 10 min); a test adds its own settings with `WORKER_ENV | {...}`.
WORKER_ENV = {
    "FEDERATION_RETRY_BASE_SECONDS": "0.3",
    "FEDERATION_RETRY_MAX_SECONDS": "1",
    "FEDERATION_SWEEP_SECONDS": "1",
    "FEDERATION_SWEEP_GRACE_SECONDS": "1",
    "EMERGENCY_CAD_READ_TIMEOUT_SECONDS": "20",
    "EMERGENCY_WATCHDOG_SECONDS": "1",
}


def outbox(kind: str, **filters: object) -> list:
    """Messages of a kind in the outbox (public schema), in the order they were written."""
    from federation.messaging.models import Message

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
    from appeals.rules.calendar import forget_tenant_calendar

    # As a fresh process: no catalogue rows cached from a rolled-back test of another package.
    forget_categories()
    forget_tenant_calendar()
    with tenant_context(tenants["petropavlovsk"]):
        yield tenants["petropavlovsk"]
