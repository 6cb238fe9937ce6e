"""Settings pages are tested in Petropavlovsk as its supervisor; catalogue caches start empty,
as in a fresh process, and are dropped again after the test's rolled-back edits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from appeals.catalogue.cache import forget_categories
from appeals.rules.calendar import forget_tenant_calendar
from testkit.identities import logged_in, user_with_roles


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    forget_categories()
    forget_tenant_calendar()
    with tenant_context(tenants["petropavlovsk"]):
        yield
    forget_categories()
    forget_tenant_calendar()


def client_of(role: str = "supervisor", language: str = "ru", name: str = "") -> Client:
    client = logged_in(user_with_roles(name or f"{role}-{language}", role))
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def supervisor(inside) -> Client:
    return client_of("supervisor", "ru")


# The city map's organisations, for the map's upload page.
from tests.citymap.conftest import organisations  # noqa: E402, F401
