"""The lawyer's pages are tested on violations the real SLA monitor opened, in Petropavlovsk."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from appeals.catalogue.cache import forget_categories
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Organisation, ResponsiblePerson, Violation
from appeals.rules.calendar import forget_tenant_calendar
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import appeal_in


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    forget_categories()
    forget_tenant_calendar()
    with tenant_context(tenants["petropavlovsk"]):
        yield
    forget_categories()
    forget_tenant_calendar()


@pytest.fixture
def head(inside) -> ResponsiblePerson:
    return ResponsiblePerson.objects.create(
        organisation=Organisation.objects.get(code="housing-department"),
        full_name="Нурлан Абенов",
        position="Бөлім басшысы",
        is_head=True,
    )


def overdue_violation(hours: float = 3.0) -> Violation:
    """An assigned appeal whose deadline passed `hours` ago, swept by the SLA monitor."""
    now = timezone.now()
    appeal = appeal_in("assigned")
    Appeal.objects.filter(pk=appeal.pk).update(deadline=now - datetime.timedelta(hours=hours))
    sweep(now)
    return Violation.objects.get(appeal=appeal)


def client_of(role: str, language: str = "ru", name: str = "") -> Client:
    client = logged_in(user_with_roles(name or f"{role}-{language}", role))
    client.cookies["django_language"] = language
    return client
