"""The SLA monitor: warning before the deadline, then overdue -> escalation -> violation; the
violation's own lifecycle; a person's repeat offences are visible."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from appeals import actions
from appeals.errors import AppealError
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Notification, Organisation, ResponsiblePerson, Violation, ViolationEvent
from appeals.reads.queues import with_person_history
from tests.appeals.conftest import EXECUTOR, LAWYER, OPERATOR, appeal_in

HOUR = datetime.timedelta(hours=1)


def with_deadline(appeal: Appeal, deadline: datetime.datetime) -> Appeal:
    Appeal.objects.filter(pk=appeal.pk).update(deadline=deadline)
    appeal.refresh_from_db()
    return appeal


@pytest.fixture
def head(petropavlovsk) -> ResponsiblePerson:
    return ResponsiblePerson.objects.create(
        organisation=Organisation.objects.get(code="housing-department"),
        full_name="Нурлан Абенов",
        position="Руководитель отдела",
        is_head=True,
    )


def test_the_organisation_is_warned_once_before_the_deadline(petropavlovsk, head):
    now = timezone.now()
    appeal = with_deadline(appeal_in("assigned"), now + 2 * HOUR)  # heating warns 6 h before

    result = sweep(now)

    appeal.refresh_from_db()
    assert result.warned == 1 and result.overdue == 0
    assert appeal.warned_at == now
    assert appeal.events.filter(kind="sla_warning", actor_role="system").count() == 1
    warning = Notification.objects.get(appeal=appeal, kind="sla_warning")
    assert warning.organisation.code == "housing-department"
    assert f"№{appeal.number}" in warning.text_ru and f"№{appeal.number}" in warning.text_kk
    assert sweep(now + HOUR).warned == 0  # once only


def test_an_appeal_far_from_its_deadline_is_left_alone(petropavlovsk):
    now = timezone.now()
    appeal = with_deadline(appeal_in("assigned"), now + 20 * HOUR)
    assert sweep(now).warned == 0
    appeal.refresh_from_db()
    assert appeal.warned_at is None


def test_overdue_escalates_and_opens_a_violation(petropavlovsk, head):
    now = timezone.now()
    appeal = with_deadline(appeal_in("in_progress"), now - HOUR)

    result = sweep(now)

    appeal.refresh_from_db()
    assert (result.overdue, result.violations_opened) == (1, 1)
    assert appeal.overdue_at == now and appeal.escalated_at == now
    kinds = list(appeal.events.filter(actor_role="system").values_list("kind", flat=True))
    assert kinds == ["overdue", "escalated"]
    notes = {n.kind: n for n in Notification.objects.filter(appeal=appeal)}
    assert notes["overdue"].person == head  # nobody assigned: the head of the organisation answers
    assert notes["escalation"].recipient_role == "supervisor"
    violation = Violation.objects.get(appeal=appeal)
    assert (violation.organisation.code, violation.person, violation.status) == (
        "housing-department",
        head,
        "open",
    )
    assert violation.deadline == appeal.deadline
    assert violation.hours_overdue == Decimal("1.00")
    assert violation.events.get().to_status == "open"

    # Later runs open nothing new; the hours keep growing while the appeal stays unanswered.
    again = sweep(now + 2 * HOUR)
    assert (again.overdue, again.violations_opened) == (0, 0)
    violation.refresh_from_db()
    assert violation.hours_overdue == Decimal("3.00")
    assert Violation.objects.filter(appeal=appeal).count() == 1


def test_the_answer_fixes_the_hours_and_a_late_answer_alone_opens_a_violation(petropavlovsk, head):
    appeal = with_deadline(appeal_in("in_progress"), timezone.now() - 5 * HOUR)
    actions.mark_done(EXECUTOR, appeal.number, resolution="Сделано с опозданием")
    violation = Violation.objects.get(appeal=appeal)  # no sweep ran: the resolution opened it
    assert Decimal("4.99") <= violation.hours_overdue <= Decimal("5.01")
    sweep(timezone.now() + 10 * HOUR)
    violation.refresh_from_db()
    assert violation.hours_overdue <= Decimal("5.01")  # answered: no longer grows


def test_an_answer_in_time_opens_nothing(petropavlovsk):
    appeal = with_deadline(appeal_in("in_progress"), timezone.now() + HOUR)
    actions.mark_done(EXECUTOR, appeal.number, resolution="Сделано")
    assert not Violation.objects.filter(appeal=appeal).exists()


def test_overdue_before_any_assignment_escalates_without_a_violation(petropavlovsk):
    now = timezone.now()
    appeal = with_deadline(appeal_in("registered"), now - HOUR)
    result = sweep(now)
    assert (result.overdue, result.violations_opened) == (1, 0)
    assert Notification.objects.get(appeal=appeal).kind == "escalation"
    assert not Violation.objects.filter(appeal=appeal).exists()


def test_the_violation_lifecycle(petropavlovsk, head):
    now = timezone.now()
    appeal = with_deadline(appeal_in("in_progress"), now - HOUR)
    sweep(now)
    violation = Violation.objects.get(appeal=appeal)

    with pytest.raises(AppealError) as caught:
        actions.record_explanation(OPERATOR, violation.pk, explanation="...")
    assert caught.value.problems[0].code == "forbidden"
    with pytest.raises(AppealError) as caught:
        actions.record_explanation(LAWYER, violation.pk, explanation=" ")
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == ("explanation", "required")

    actions.record_explanation(LAWYER, violation.pk, explanation="Не было запчастей")
    actions.propose_sanction(LAWYER, violation.pk, sanction="Замечание (ст. 35 Трудового кодекса)")
    actions.close_violation(LAWYER, violation.pk, note="Взыскание наложено")
    with pytest.raises(AppealError) as caught:
        actions.propose_sanction(LAWYER, violation.pk, sanction="ещё")
    assert caught.value.problems[0].code == "invalid_transition"

    violation.refresh_from_db()
    assert violation.status == "closed"
    assert violation.explanation == "Не было запчастей"
    steps = list(
        ViolationEvent.objects.filter(violation=violation).values_list(
            "from_status", "to_status", "actor_role"
        )
    )
    assert steps == [
        ("", "open", "system"),
        ("open", "explanation_received", "lawyer"),
        ("explanation_received", "sanction_proposed", "lawyer"),
        ("sanction_proposed", "closed", "lawyer"),
    ]


def test_a_repeat_offence_of_the_same_person_is_visible(petropavlovsk, head):
    now = timezone.now()
    other = ResponsiblePerson.objects.create(organisation=head.organisation, full_name="Алия Серикова")
    for _ in range(2):
        with_deadline(appeal_in("in_progress"), now - HOUR)
    lone = with_deadline(appeal_in("in_progress"), now - HOUR)
    Appeal.objects.filter(pk=lone.pk).update(assignee=other)
    sweep(now)

    counts = {v.person.full_name: v.person_violations for v in with_person_history(Violation.objects.all())}
    assert counts == {"Нурлан Абенов": 2, "Алия Серикова": 1}
