"""Fixtures of the appeals tests: work inside Petropavlovsk's schema, principals with roles, and
helpers that build appeals through the real actions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.models import Appeal
from testkit.identities import logged_in, principal, user_with_roles
from testkit.tenants import scratch_akimat, square_district

# Inside Petropavlovsk's real boundary (city centre).
CENTRE = (69.1450, 54.8720)
VALID_PHONE = "+77051234567"


# The organisation the shipped catalogue routes housing and utilities to (heating is the default
# category of the helpers below): the test executors work there.
HOUSING = "housing-department"
OPERATOR = principal(Role.OPERATOR, name="operator")
EXECUTOR = principal(Role.EXECUTOR, name="executor", organisation=HOUSING)
SUPERVISOR = principal(Role.SUPERVISOR, name="supervisor")
LAWYER = principal(Role.LAWYER, name="lawyer")
ANALYST = principal(Role.ANALYST, name="analyst")


@pytest.fixture(autouse=True)
def _fresh_catalogue_caches() -> Iterator[None]:
    """Each test starts as a fresh process would: no catalogue rows cached from a rolled-back test."""
    from appeals.catalogue.cache import forget_categories
    from appeals.rules.calendar import forget_tenant_calendar

    forget_categories()
    forget_tenant_calendar()
    yield


def intake(
    *,
    category: str = "heating",
    phone: str = VALID_PHONE,
    location: tuple[float, float] | None = CENTRE,
    register: bool = False,
    **extra: object,
) -> Appeal:
    data = AppealInput(
        channel=extra.pop("channel", "landline"),
        description=extra.pop("description", "В квартире холодные батареи"),
        applicant_phone=phone,
        applicant_name=extra.pop("applicant_name", "Айгерим Садыкова"),
        longitude=location[0] if location else None,
        latitude=location[1] if location else None,
        category_code=category,
        register=register,
        **extra,
    )
    return actions.create_appeal(OPERATOR, data).appeal


def appeal_in(status: str, **kwargs: object) -> Appeal:
    """An appeal brought to `status` through the real transitions."""
    appeal = intake(**kwargs)
    n = appeal.number
    path = {
        "received": [],
        "registered": [lambda: actions.register_appeal(OPERATOR, n)],
        "assigned": [lambda: actions.register_appeal(OPERATOR, n, assign=True)],
        "in_progress": [
            lambda: actions.register_appeal(OPERATOR, n, assign=True),
            lambda: actions.start_work(EXECUTOR, n),
        ],
        "forwarded_112": [lambda: actions.forward_to_112(OPERATOR, n, services=["101"])],
    }
    resolved = {
        "done": lambda: actions.mark_done(EXECUTOR, n, resolution="Отопление восстановлено"),
        "not_done": lambda: actions.mark_not_done(EXECUTOR, n, reason="Нужна замена стояка, весной"),
        "rejected": lambda: actions.reject_appeal(OPERATOR, n, reason="Частный дом, не наша зона"),
    }
    steps = list(path.get(status, path["in_progress"]))
    if status in resolved:
        steps.append(resolved[status])
    if status in ("citizen_informed", "closed", "reopened"):
        steps.append(resolved["done"])
        steps.append(
            lambda: actions.record_callback(OPERATOR, n, reached=True, satisfied=status != "reopened")
        )
    if status == "closed":
        steps.append(lambda: actions.close_appeal(OPERATOR, n))
    if status == "cancelled":
        steps = [lambda: actions.cancel_appeal(OPERATOR, n, reason="spam")]
    if status == "transferred":
        steps = [lambda: actions.transfer_appeal(OPERATOR, n, akimat="kyzylzhar", reason="Не наш район")]
    for step in steps:
        step()
    appeal.refresh_from_db()
    assert appeal.status == status, (appeal.status, status)
    return appeal


@pytest.fixture(scope="session")
def scratch_tenant(onboarded, django_db_blocker) -> Iterator[object]:
    """A tenant cloned from the template for this run only (committed), dropped at the end.

    For what must really commit (concurrency) or must be checked on a fresh clone.
    """
    spec = square_district("appeals-scratch", "599700000", "Scratch District")
    with scratch_akimat(spec, django_db_blocker) as tenant:
        yield tenant


@pytest.fixture
def operator_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("gql-operator", "operator"))


@pytest.fixture
def executor_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("gql-executor", "executor", organisation=HOUSING))


@pytest.fixture
def analyst_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("gql-analyst", "analyst"))


@pytest.fixture
def lawyer_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("gql-lawyer", "lawyer"))


@pytest.fixture
def anonymous_client(petropavlovsk) -> Client:
    return Client(HTTP_HOST="petropavlovsk.localhost")
