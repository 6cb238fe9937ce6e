"""Phones and IINs people type into free text (a description, an address, a comment) are masked on
the console pages for every role that does not see personal data, as the API masks them; operators
and lawyers read them whole."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Violation
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import EXECUTOR, HOUSING, OPERATOR, intake

PHONE_TYPED = "8 705 123 45 67"
IIN_TYPED = "900101300123"


@pytest.fixture
def typed(tenants) -> Iterator[Appeal]:
    """An appeal in work whose description, address and a comment in its history hold a phone and
    an IIN as a caller or an operator would type them."""
    with tenant_context(tenants["petropavlovsk"]):
        appeal = intake(
            description=f"Нет отопления, звоните {PHONE_TYPED}, ИИН {IIN_TYPED}",
            address=f"ул. Абая, 12, спросить {PHONE_TYPED}",
        )
        actions.register_appeal(OPERATOR, appeal.number, assign=True, comment=f"Перезвонить на {PHONE_TYPED}")
        actions.start_work(EXECUTOR, appeal.number)
        yield appeal


def page(role: str, path: str, **extra: str) -> str:
    client = logged_in(user_with_roles(f"mask-{role}", role, **extra))
    client.cookies["django_language"] = "ru"
    answer = client.get(path)
    assert answer.status_code == 200, (role, path, answer.status_code)
    return answer.content.decode()


def assert_masked(text: str) -> None:
    assert PHONE_TYPED not in text and IIN_TYPED not in text
    assert "•••67" in text and "•••23" in text  # the last two digits tell records apart


@pytest.mark.parametrize("role", ["analyst", "akim"])
def test_the_appeal_page_masks_typed_numbers_for_roles_without_personal_data(typed, role):
    assert_masked(page(role, f"/console/appeals/{typed.number}/"))


def test_the_operator_reads_the_typed_numbers_whole(typed):
    text = page("operator", f"/console/appeals/{typed.number}/")
    assert f"звоните {PHONE_TYPED}, ИИН {IIN_TYPED}" in text
    assert f"спросить {PHONE_TYPED}" in text
    assert f"Перезвонить на {PHONE_TYPED}" in text


def test_the_executors_page_masks_them_and_keeps_the_address_to_go_to(typed):
    text = page("executor", f"/console/executor/appeals/{typed.number}/", organisation=HOUSING)
    assert_masked(text)
    assert "ул. Абая, 12, спросить •••67" in text
    assert "Перезвонить на •••67" in text


def test_the_violation_page_masks_them_for_the_akim_not_for_the_lawyer(typed):
    Appeal.objects.filter(pk=typed.pk).update(deadline=typed.received_at)
    sweep(typed.received_at + datetime.timedelta(hours=3))
    violation = Violation.objects.get(appeal=typed)
    akim = page("akim", f"/console/violations/{violation.pk}/")
    assert PHONE_TYPED not in akim and "ул. Абая, 12, спросить •••67" in akim
    assert f"ул. Абая, 12, спросить {PHONE_TYPED}" in page("lawyer", f"/console/violations/{violation.pk}/")


def test_the_executors_list_masks_the_typed_address(typed):
    text = page("executor", "/console/executor/", organisation=HOUSING)
    assert f'href="/console/executor/appeals/{typed.number}/"' in text
    assert PHONE_TYPED not in text and "ул. Абая, 12, спросить •••67" in text


@pytest.mark.parametrize("role", ["analyst", "akim"])
def test_the_dashboards_list_masks_the_typed_address(typed, role):
    text = page(role, "/console/dashboard/appeals/?figure=received")
    assert f'data-number="{typed.number}"' in text
    assert PHONE_TYPED not in text and "ул. Абая, 12, спросить •••67" in text


def test_the_supervisor_reads_the_dashboards_list_whole(typed):
    assert f"спросить {PHONE_TYPED}" in page("supervisor", "/console/dashboard/appeals/?figure=received")
