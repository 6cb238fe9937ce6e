"""A second call about what an appeal already reports is saved as its repeat from the intake form:
no second work order goes to the organisation, the caller joins the first appeal's call-backs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.models import Appeal, CancelReason
from appeals.states import Status
from testkit.identities import logged_in, user_with_roles
from tests.appeals.conftest import CENTRE, OPERATOR, intake


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def operator(language: str = "ru"):
    client = logged_in(user_with_roles(f"op-repeat-{language}", "operator"))
    client.cookies["django_language"] = language
    return client


def call(key: str, **extra: str) -> dict[str, str]:
    return {
        "channel": "landline",
        "phone": "8 705 765 43 21",
        "description": "Опять холодные батареи во всём подъезде",
        "client_key": key,
        "category": "heating",
        "longitude": str(CENTRE[0]),
        "latitude": str(CENTRE[1]),
        "register": "on",
    } | extra


def test_the_candidates_offer_saving_as_a_repeat_after_the_save_button(inside):
    first = intake(register=True)
    client = operator("kk")
    answer = client.get(
        "/console/intake/repeats", {"category": "heating", "longitude": CENTRE[0], "latitude": CENTRE[1]}
    ).content.decode()
    assert f'name="repeat_of" value="{first.number}"' in answer
    assert f"№{first.number} өтінішінің қайталамасы ретінде сақтау" in answer
    # Enter in a field presses the form's first button: Save, never a repeat's.
    page = client.get("/console/intake/").content.decode()
    assert page.index('accesskey="r"') < page.index('id="repeats"')
    # An emergency goes to 112 whatever else was reported there: no such button.
    emergency = client.get(
        "/console/intake/repeats", {"category": "fire", "longitude": CENTRE[0], "latitude": CENTRE[1]}
    ).content.decode()
    assert 'name="repeat_of"' not in emergency


def test_a_call_saved_as_a_repeat_sends_no_second_work_order(inside):
    first = intake(register=True)
    actions.assign_appeal(OPERATOR, first.number)
    first.refresh_from_db()
    assert first.organisation_id is not None

    answer = operator().post("/console/intake/", call("rep-1", repeat_of=str(first.number)))

    second = Appeal.objects.get(client_key="rep-1")
    assert answer.status_code == 302 and answer["Location"] == f"/console/appeals/{second.number}/"
    assert second.parent_id == first.pk and second.status == Status.CANCELLED
    assert second.cancel_reason == CancelReason.DUPLICATE
    assert second.organisation_id is None  # nobody got it as an order
    assert not second.events.filter(to_status=Status.ASSIGNED).exists()
    first.refresh_from_db()
    assert first.repeat_count == 1


def test_without_the_choice_the_call_is_an_appeal_of_its_own_and_goes_to_the_service(inside):
    intake(register=True)
    operator().post("/console/intake/", call("rep-2"))
    second = Appeal.objects.get(client_key="rep-2")
    assert second.parent_id is None and second.status == Status.ASSIGNED and second.organisation_id


def test_a_repeat_of_a_closed_appeal_is_refused_and_the_call_kept_for_the_operator(inside):
    first = intake(register=True)
    actions.cancel_appeal(OPERATOR, first.number, reason=CancelReason.SPAM, comment="шутка")

    answer = operator().post("/console/intake/", call("rep-3", repeat_of=str(first.number)))

    second = Appeal.objects.get(client_key="rep-3")
    text = answer.content.decode()
    assert answer.status_code == 400 and 'data-code="original_closed"' in text
    assert f"№{first.number} закрыто" in text and "жабық" not in text
    # Its own appeal, not sent anywhere yet: the operator decides on its page.
    assert second.parent_id is None and second.status == Status.REGISTERED and second.organisation_id is None
