"""Appeal events leave the akimat as `appeals.status`: in the change's transaction, ordered per appeal,
carrying the appeal's whole current state (never a delta), versioned by the event id."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from appeals import actions
from appeals.actions import AppealInput
from appeals.models import AppealEvent
from federation.messaging.models import Message
from federation.read_model_feed import STATUS_KIND
from tests.appeals.conftest import CENTRE, EXECUTOR, OPERATOR


@pytest.fixture
def city(tenants):
    with tenant_context(tenants["petropavlovsk"]):
        yield tenants["petropavlovsk"]


def sent_for(number: int) -> list[Message]:
    return list(
        Message.objects.filter(
            kind=STATUS_KIND, source_schema="petropavlovsk", payload__number=number
        ).order_by("sequence")
    )


def new(**extra: object) -> int:
    return actions.create_appeal(
        OPERATOR,
        AppealInput(
            channel="landline",
            description="Нет отопления",
            applicant_phone="+77051234567",
            longitude=CENTRE[0],
            latitude=CENTRE[1],
            category_code="heating",
            **extra,
        ),
    ).appeal.number


def test_every_change_sends_the_whole_state_in_order(city):
    number = new()
    actions.register_appeal(OPERATOR, number, assign=True)
    actions.start_work(EXECUTOR, number)
    actions.mark_done(EXECUTOR, number, resolution="Сделано")
    messages = sent_for(number)
    # Registered and assigned in one transaction: one message with the newer state (the region
    # keeps only the newest, so the outbox replaces what that transaction had not committed yet).
    assert [m.payload["status"] for m in messages] == ["received", "assigned", "in_progress", "done"]
    assert [m.sequence for m in messages] == sorted(m.sequence for m in messages)
    assert {m.ordering_key for m in messages} == {f"appeal:{number}"} and {
        m.target_schema for m in messages
    } == {"public"}
    last = messages[-1].payload
    assert last["category"] == {
        "code": "heating",
        "parent": "housing",
        "name_kk": last["category"]["name_kk"],
        "name_ru": "Отопление",
    }
    assert last["resolved_at"] is not None and last["deadline"] is not None and last["received_at"]
    # The version is the id of the event each state follows; they only grow.
    events = list(
        AppealEvent.objects.filter(appeal__number=number).order_by("id").values_list("id", flat=True)
    )
    assert len(events) == 5  # created, registered, assigned, started, done
    assert [m.payload["version"] for m in messages] == [events[0], events[2], events[3], events[4]]


def test_events_that_change_nothing_the_region_keeps_send_nothing(city):
    number = new()
    actions.register_appeal(OPERATOR, number, assign=True)
    actions.start_work(EXECUTOR, number)
    actions.mark_done(EXECUTOR, number, resolution="Сделано")
    before = len(sent_for(number))
    actions.record_callback(OPERATOR, number, reached=False)  # an unanswered call: nothing changes
    actions.keep_separate(OPERATOR, number, proposed=[number])
    assert len(sent_for(number)) == before


def test_a_rolled_back_change_sends_nothing(city):
    number = new()
    before = len(sent_for(number))
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.register_appeal(OPERATOR, number)
        raise RuntimeError("the operator's request failed after the change")
    assert len(sent_for(number)) == before
