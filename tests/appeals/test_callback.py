"""The call-back queue: the operator calls the applicant once the service answered; an unsatisfied
citizen reopens the appeal; an unreachable one is informed after the allowed attempts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appeals import actions
from appeals.errors import AppealError
from appeals.models import CallbackAttempt
from appeals.reads.queues import callback_contacts, callback_queue
from tests.appeals.conftest import EXECUTOR, OPERATOR, appeal_in, intake


def test_answered_appeals_wait_in_the_queue_oldest_first(petropavlovsk):
    first = appeal_in("done")
    second = appeal_in("not_done")
    third = appeal_in("rejected")
    appeal_in("in_progress")
    appeal_in("closed")

    queue = list(callback_queue())

    assert [a.number for a in queue] == [first.number, second.number, third.number]
    assert all(a.applicant_attempts == 0 for a in queue)


def test_a_satisfied_citizen_lets_the_operator_close(petropavlovsk):
    appeal = appeal_in("done")
    result = actions.record_callback(OPERATOR, appeal.number, reached=True, satisfied=True, comment="Спасибо")
    assert result.informed and not result.reopened
    appeal.refresh_from_db()
    assert (appeal.status, appeal.callback_reached, appeal.callback_satisfied) == (
        "citizen_informed",
        True,
        True,
    )
    assert appeal.informed_at is not None
    assert appeal.number not in [a.number for a in callback_queue()]
    actions.close_appeal(OPERATOR, appeal.number)
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.closed_at is not None


def test_an_unsatisfied_citizen_reopens_the_appeal_with_a_new_deadline(petropavlovsk):
    appeal = appeal_in("done")
    old_deadline = appeal.deadline
    result = actions.record_callback(
        OPERATOR, appeal.number, reached=True, satisfied=False, comment="Всё ещё холодно"
    )
    assert result.informed and result.reopened
    appeal.refresh_from_db()
    assert appeal.status == "reopened"
    assert appeal.reopen_count == 1 and appeal.resolved_at is None
    assert appeal.deadline > old_deadline and appeal.deadline > timezone.now()
    assert [e.to_status for e in appeal.events.filter(kind="transition").order_by("-id")[:2]] == [
        "reopened",
        "citizen_informed",
    ]
    # Back to the same service.
    actions.assign_appeal(OPERATOR, appeal.number)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.organisation.code) == ("assigned", "housing-department")


def test_unanswered_calls_count_and_the_third_informs_as_unreachable(petropavlovsk):
    appeal = appeal_in("not_done")
    for attempt in (1, 2):
        result = actions.record_callback(
            OPERATOR, appeal.number, reached=False, comment=f"Не берёт трубку {attempt}"
        )
        assert not result.informed
        assert next(a for a in callback_queue() if a.pk == appeal.pk).applicant_attempts == attempt
    result = actions.record_callback(OPERATOR, appeal.number, reached=False)
    assert result.informed
    appeal.refresh_from_db()
    assert (appeal.status, appeal.callback_reached, appeal.callback_satisfied) == (
        "citizen_informed",
        False,
        None,
    )
    assert CallbackAttempt.objects.filter(appeal=appeal).count() == 3
    assert appeal.events.filter(kind="callback_attempt").count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"reached": True}, "satisfied", "required"),
        ({"reached": False, "satisfied": True}, "satisfied", "invalid"),
    ],
)
def test_outcome_must_be_consistent(petropavlovsk, kwargs, field, code):
    appeal = appeal_in("done")
    with pytest.raises(AppealError) as caught:
        actions.record_callback(OPERATOR, appeal.number, **kwargs)
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == (field, code)


def test_no_call_back_before_the_service_answered(petropavlovsk):
    appeal = appeal_in("in_progress")
    with pytest.raises(AppealError) as caught:
        actions.record_callback(OPERATOR, appeal.number, reached=True, satisfied=True)
    assert caught.value.problems[0].code == "invalid_transition"
    assert not CallbackAttempt.objects.filter(appeal=appeal).exists()


def test_applicants_of_linked_repeats_are_called_too(petropavlovsk):
    original = appeal_in("assigned")
    repeat = intake(phone="+77017654321", applicant_name="Виктор Ким")
    actions.link_as_repeat(OPERATOR, repeat.number, original_number=original.number)
    actions.start_work(EXECUTOR, original.number)
    actions.mark_done(EXECUTOR, original.number, resolution="Сделано")
    original.refresh_from_db()

    assert [a.number for a in callback_contacts(original)] == [original.number, repeat.number]
    actions.record_callback(OPERATOR, original.number, reached=True, satisfied=True)
    # The repeat's applicant, later, is not satisfied: the original reopens.
    result = actions.record_callback(
        OPERATOR, original.number, contact_number=repeat.number, reached=True, satisfied=False
    )
    assert result.reopened and not result.informed
    original.refresh_from_db()
    assert original.status == "reopened"

    stranger = intake()
    with pytest.raises(AppealError) as caught:
        actions.record_callback(OPERATOR, original.number, contact_number=stranger.number, reached=False)
    assert caught.value.problems[0].code == "not_a_contact"
