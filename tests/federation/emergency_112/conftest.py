"""Fixtures of the 112 tests: incident inputs for real tenants, dispatchers, centres, real processes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from accounts.principal import Principal
from accounts.roles import Role
from federation.emergency_112.documents import (
    build_request_for_service,
)
from federation.emergency_112.models import EmergencyCentre
from tenants.models import Akimat
from testkit.cad_stub import CadStub
from testkit.emergency_factories import make_input
from testkit.identities import logged_in, principal, user_with_roles
from testkit.processes import QUICK_RELAY_ENV


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


# The 112 tests' workers and beat: the quick relay timings, a patient CAD read, the watchdog every
# second; a test adds its own settings with `WORKER_ENV | {...}`.
WORKER_ENV = QUICK_RELAY_ENV | {"EMERGENCY_CAD_READ_TIMEOUT_SECONDS": "20", "EMERGENCY_WATCHDOG_SECONDS": "1"}


def outbox(kind: str, **filters: object) -> list:
    """Messages of a kind in the outbox (public schema), in the order they were written."""
    from federation.messaging.models import Message

    return list(Message.objects.filter(kind=kind, **filters).order_by("created_at", "sequence"))


def statuses_sent(incident: object) -> list[dict]:
    """The `emergency_112.status` payloads written for an incident, oldest first."""
    return [
        message.payload for message in outbox("emergency_112.status", ordering_key=f"incident:{incident.pk}")
    ]
