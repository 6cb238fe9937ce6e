"""The lifecycle: every legal transition works and writes its event; every illegal one is refused."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.permissions import Operation
from accounts.roles import Role
from appeals import actions
from appeals.errors import AppealError
from appeals.models import Appeal, AppealEvent, Organisation
from appeals.states import TRANSITIONS, Status
from appeals.transitions import apply_transition, locked_appeal
from testkit.identities import principal
from tests.appeals.conftest import EXECUTOR, HOUSING, OPERATOR, SUPERVISOR, appeal_in

DISPATCHER_112 = principal(Role.DISPATCHER_112, name="dispatcher")

ALL_STATUSES = [s.value for s in Status]

CALLS = {
    "register": lambda n: actions.register_appeal(OPERATOR, n),
    "assign": lambda n: actions.assign_appeal(OPERATOR, n),
    "start_work": lambda n: actions.start_work(EXECUTOR, n),
    "mark_done": lambda n: actions.mark_done(EXECUTOR, n, resolution="Сделано"),
    "mark_not_done": lambda n: actions.mark_not_done(EXECUTOR, n, reason="Нет материалов"),
    "reject": lambda n: actions.reject_appeal(SUPERVISOR, n, reason="Не в компетенции"),
    "inform_citizen": lambda n: actions.record_callback(OPERATOR, n, reached=True, satisfied=True),
    "close": lambda n: actions.close_appeal(OPERATOR, n),
    "reopen": lambda n: actions.reopen_appeal(OPERATOR, n, reason="Снова холодно"),
    "cancel": lambda n: actions.cancel_appeal(OPERATOR, n, reason="spam"),
    "forward_112": lambda n: actions.forward_to_112(OPERATOR, n, services=["101"]),
    # 112's answers arrive as state through the federation (tests/federation/emergency_112); here the table.
    "return_from_112": lambda n: by_112(n, "return_from_112"),
    "closed_by_112": lambda n: by_112(n, "closed_by_112"),
    "transfer": lambda n: actions.transfer_appeal(OPERATOR, n, akimat="kyzylzhar", reason="Не наш район"),
}


def by_112(number: int, name: str) -> None:
    with transaction.atomic():
        apply_transition(DISPATCHER_112, locked_appeal(number), name, comment="112")


LEGAL = [(name, source) for name, t in TRANSITIONS.items() for source in sorted(t.sources)]
ILLEGAL = [
    (name, source) for name, t in TRANSITIONS.items() for source in ALL_STATUSES if source not in t.sources
]


def test_every_transition_has_a_call():
    assert set(CALLS) == set(TRANSITIONS)


@pytest.mark.parametrize(("name", "source"), LEGAL)
def test_legal_transition_moves_and_writes_its_event(petropavlovsk, name, source):
    appeal = appeal_in(source)
    events_before = AppealEvent.objects.filter(appeal=appeal).count()

    CALLS[name](appeal.number)

    appeal.refresh_from_db()
    target = TRANSITIONS[name].target
    assert appeal.status == target
    event = AppealEvent.objects.filter(appeal=appeal, transition=name).order_by("-id").first()
    assert event is not None
    assert (event.from_status, event.to_status) == (source, target)
    assert event.actor_subject.startswith("local:")
    assert event.actor_role in {"operator", "executor", "supervisor", "dispatcher_112"}
    assert AppealEvent.objects.filter(appeal=appeal).count() > events_before


@pytest.mark.parametrize(("name", "source"), ILLEGAL)
def test_illegal_transition_is_refused_and_changes_nothing(petropavlovsk, name, source):
    appeal = appeal_in(source)
    if TRANSITIONS[name].operation == Operation.APPEAL_EXECUTE:
        # Executors act on their organisation's appeals only (an unassigned one is refused as
        # forbidden): give it to their organisation, so that only the state machine can refuse.
        Appeal.objects.filter(pk=appeal.pk).update(organisation=Organisation.objects.get(code=HOUSING))
    events_before = AppealEvent.objects.filter(appeal=appeal).count()

    with pytest.raises(AppealError) as caught:
        CALLS[name](appeal.number)

    problem = caught.value.problems[0]
    if name == "inform_citizen":
        # The call-back names its own refusal: no call-back is expected in this status.
        assert problem.code == "invalid_transition"
    else:
        assert (problem.field, problem.code) == ("status", "invalid_transition")
        assert source in problem.message
    appeal.refresh_from_db()
    assert appeal.status == source
    assert AppealEvent.objects.filter(appeal=appeal).count() == events_before


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda n: actions.mark_not_done(EXECUTOR, n, reason="  "), "reason"),
        (lambda n: actions.reject_appeal(OPERATOR, n, reason=""), "reason"),
    ],
)
def test_rejection_and_not_done_need_a_reason(petropavlovsk, call, field):
    appeal = appeal_in("in_progress")
    with pytest.raises(AppealError) as caught:
        call(appeal.number)
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == (field, "required")
    appeal.refresh_from_db()
    assert appeal.status == "in_progress"


def test_a_role_without_the_operation_is_refused(petropavlovsk):
    appeal = appeal_in("assigned")
    with pytest.raises(AppealError) as caught:
        actions.start_work(OPERATOR, appeal.number)  # operators do not execute
    assert caught.value.problems[0].code == "forbidden"
    appeal.refresh_from_db()
    assert appeal.status == "assigned"


def test_cancel_needs_duplicate_or_spam(petropavlovsk):
    appeal = appeal_in("received")
    with pytest.raises(AppealError) as caught:
        actions.cancel_appeal(OPERATOR, appeal.number, reason="boring")
    assert (caught.value.problems[0].field, caught.value.problems[0].code) == ("reason", "invalid")


def test_history_reads_back_in_order_with_actor_and_role(petropavlovsk):
    appeal = appeal_in("closed")
    history = list(
        appeal.events.order_by("at", "id").values_list("kind", "from_status", "to_status", "actor_role")
    )
    transitions = [(f, t) for kind, f, t, _ in history if kind == "transition"]
    assert transitions == [
        ("received", "registered"),
        ("registered", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "done"),
        ("done", "citizen_informed"),
        ("citizen_informed", "closed"),
    ]
    assert history[0][:3] == ("created", "", "received")
    roles = {role for *_, role in history}
    assert {"operator", "executor"} <= roles
