"""Fixtures of the webhook tests: the integrator's and the staff's GraphQL clients in Petropavlovsk,
and an akimat of this module's own for what must really commit (the relay, the change feed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.principal import service_principal
from accounts.roles import Role
from integrations import active
from testkit.identities import logged_in, user_with_roles
from testkit.tenants import scratch_akimat, square_district
from testkit.webhook_receiver import WebhookReceiver

INTEGRATOR = service_principal(
    "service-account-integrator-hooks", "integrator-hooks", issuer="local", username="integrator-hooks",
    roles={Role.INTEGRATOR},
)  # fmt: skip
# Inside the scratch akimat's square.
HOOKS_POINT = (69.25, 54.25)


@pytest.fixture(autouse=True)
def _no_cached_webhooks() -> Iterator[None]:
    """Rolled-back tests commit nothing, so no commit clears the webhooks' cache: each test does."""
    active.forget()
    yield
    active.forget()


@pytest.fixture
def integrator_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("integrator-petropavlovsk", "integrator"))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    stub = WebhookReceiver().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def hooks_akimat(onboarded, django_db_blocker) -> Iterator[object]:
    spec = square_district("hooks-scratch", "599300000", "Hooks District", west=69.2, south=54.2)
    with scratch_akimat(spec, django_db_blocker) as tenant:
        yield tenant
