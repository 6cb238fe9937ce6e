"""Fixtures of the dashboard's server-side tests: Petropavlovsk with exactly the known appeals, and
people of each role signed in with a chosen language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from testkit.identities import logged_in, user_with_roles
from tests.consoles.dashboard.known import Known, known_appeals, set_aside_earlier_appeals


@pytest.fixture(autouse=True)
def _fresh_catalogue_caches() -> Iterator[None]:
    """No catalogue rows cached from a rolled-back test (as in tests/appeals)."""
    from appeals.catalogue.cache import forget_categories
    from appeals.rules.calendar import forget_tenant_calendar

    forget_categories()
    forget_tenant_calendar()
    yield


@pytest.fixture
def city(tenants) -> Iterator[object]:
    with tenant_context(tenants["petropavlovsk"]):
        set_aside_earlier_appeals()
        yield tenants["petropavlovsk"]


@pytest.fixture
def known(city) -> Known:
    return known_appeals()


def person(role: str, language: str = "ru", name: str = "") -> Client:
    client = logged_in(user_with_roles(name or f"dash-{role}-{language}", role))
    client.cookies["django_language"] = language
    return client
