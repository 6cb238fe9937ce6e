"""The lifecycle against a table of its own: every documented move works through the real actions and
writes its event, everything else is refused, and a stateful test walks appeals through actions
done by people of every role.

`LIFECYCLE` below is the oracle, written from the documented lifecycle (docs/appeals.md, the
integrators' guide graphql/README.md, docs/emergency-112.md, docs/federation.md "Transfers", decision
30 in docs/decisions.md and the docstring of appeals/states.py), not from `appeals.states`: a wrong
entry in the code's table fails here instead of being copied into the test.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.permissions import Operation, can
from accounts.principal import Principal
from accounts.roles import Role
from appeals import actions
from appeals.errors import AppealError
from appeals.models import Appeal, AppealEvent, EventKind, Organisation
from appeals.states import TRANSITIONS, Status, allowed_transitions
from appeals.transitions import apply_transition, locked_appeal
from testkit.identities import principal
from tests.appeals.conftest import EXECUTOR, HOUSING, OPERATOR, SUPERVISOR, appeal_in

# ------------------------------------------------------------------ the oracle
# (status, transition) -> the status it leads to. Anything not listed is refused (`invalid_transition`).
_R, _REG, _A, _IP = "received", "registered", "assigned", "in_progress"
_D, _ND, _REJ, _CI, _C = "done", "not_done", "rejected", "citizen_informed", "closed"
_REO, _X, _F, _T = "reopened", "cancelled", "forwarded_112", "transferred"
LIFECYCLE: dict[tuple[str, str], str] = {
    # received -> registered -> assigned -> in progress -> done | not done | rejected
    (_R, "register"): _REG,
    (_REG, "assign"): _A,
    (_A, "assign"): _A,  # a reassignment is an assign from assigned (to another person, same service)
    (_REO, "assign"): _A,  # reopened ... then assigned again (appeals/states.py)
    (_A, "start_work"): _IP,
    (_IP, "mark_done"): _D,
    (_IP, "mark_not_done"): _ND,
    # Rejected (reason required): by the 109 desk once it has the appeal, before or during the work
    # (the console offers "reject" on a registered or assigned appeal, test_graphql_appeals.py).
    (_REG, "reject"): _REJ,
    (_A, "reject"): _REJ,
    (_IP, "reject"): _REJ,
    # -> citizen informed (the call-back once the service answered) -> closed
    (_D, "inform_citizen"): _CI,
    (_ND, "inform_citizen"): _CI,
    (_REJ, "inform_citizen"): _CI,
    (_CI, "close"): _C,
    # citizen_informed | closed -> reopened (citizen not satisfied)
    (_CI, "reopen"): _REO,
    (_C, "reopen"): _REO,
    # received | registered | assigned -> cancelled (duplicate or spam)
    (_R, "cancel"): _X,
    (_REG, "cancel"): _X,
    (_A, "cancel"): _X,
    # Transfer to another akimat: from received, registered, assigned, reopened (docs/federation.md).
    (_R, "transfer"): _T,
    (_REG, "transfer"): _T,
    (_A, "transfer"): _T,
    (_REO, "transfer"): _T,
    # 112 (decision 30): forwarded before anyone answered, again while 112 has it (more services);
    # back to received when 112 says it is no emergency, done when 112 closed the incident.
    (_R, "forward_112"): _F,
    (_REG, "forward_112"): _F,
    (_A, "forward_112"): _F,
    (_IP, "forward_112"): _F,
    (_REO, "forward_112"): _F,
    (_F, "forward_112"): _F,
    (_F, "return_from_112"): _R,
    (_F, "closed_by_112"): _D,
}
# What a person needs for each transition (the operations' own definitions in accounts.permissions).
NEEDS: dict[str, Operation] = {
    "register": Operation.APPEAL_ROUTE,
    "assign": Operation.APPEAL_ROUTE,
    "start_work": Operation.APPEAL_EXECUTE,
    "mark_done": Operation.APPEAL_EXECUTE,
    "mark_not_done": Operation.APPEAL_EXECUTE,
    "reject": Operation.APPEAL_REJECT,
    "inform_citizen": Operation.APPEAL_CALLBACK,
    "close": Operation.APPEAL_CALLBACK,
    "reopen": Operation.APPEAL_REOPEN,
    "cancel": Operation.APPEAL_CANCEL,
    "transfer": Operation.APPEAL_TRANSFER,
    "forward_112": Operation.APPEAL_FORWARD_112,
    "return_from_112": Operation.EMERGENCY_HANDLE,
    "closed_by_112": Operation.EMERGENCY_HANDLE,
}
ALL_STATUSES = [s.value for s in Status]
TRANSITION_NAMES = sorted(NEEDS)


def test_the_oracle_names_every_status_and_transition_of_the_code():
    assert {status for status, _ in LIFECYCLE} | set(LIFECYCLE.values()) == set(ALL_STATUSES)
    assert set(NEEDS) == set(TRANSITIONS)


def test_every_move_of_the_oracle_is_in_the_code_with_its_target():
    missing = {
        (status, name): target
        for (status, name), target in LIFECYCLE.items()
        if not TRANSITIONS[name].allows(status) or TRANSITIONS[name].target != target
    }
    assert missing == {}


def test_every_move_of_the_code_is_in_the_oracle():
    code = {
        (status, name): transition.target.value
        for name, transition in TRANSITIONS.items()
        for status in transition.sources
    }
    assert {move: target for move, target in code.items() if LIFECYCLE.get(move) != target} == {}


def test_every_transition_needs_the_operation_of_the_oracle():
    assert {name: t.operation for name, t in TRANSITIONS.items()} == NEEDS


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_the_buttons_of_a_status_are_the_oracles_moves(status):
    offered = {t.name for t in allowed_transitions(status)}
    assert offered == {name for (source, name) in LIFECYCLE if source == status}


# ------------------------------------------------------------------ every move through the actions
DISPATCHER_112 = principal(Role.DISPATCHER_112, name="dispatcher", tenant=None)


def by_112(actor: Principal, number: int, name: str) -> None:
    """112's answers arrive as state through the federation (`apply_112_status`, which moves the
    appeal only out of forwarded_112 and otherwise just records 112's status: see
    tests/federation/emergency_112); the transition it applies is this one."""
    with transaction.atomic():
        apply_transition(actor, locked_appeal(number), name, comment="112")


def _assign(actor: Principal, number: int) -> Appeal:
    """Assigned (again: to another organisation; as it already is, it is refused, the test below)."""
    appeal = Appeal.objects.get(number=number)
    if appeal.status in (Status.ASSIGNED, Status.IN_PROGRESS):
        other = Organisation.objects.filter(is_active=True).exclude(pk=appeal.organisation_id).first()
        return actions.assign_appeal(actor, number, organisation_code=other.code)
    return actions.assign_appeal(actor, number)


# Each transition as its action, done by `actor` with valid arguments.
CALLS = {
    "register": lambda actor, n: actions.register_appeal(actor, n),
    "assign": _assign,
    "start_work": lambda actor, n: actions.start_work(actor, n),
    "mark_done": lambda actor, n: actions.mark_done(actor, n, resolution="Сделано"),
    "mark_not_done": lambda actor, n: actions.mark_not_done(actor, n, reason="Нет материалов"),
    "reject": lambda actor, n: actions.reject_appeal(actor, n, reason="Не в компетенции"),
    "inform_citizen": lambda actor, n: actions.record_callback(actor, n, reached=True, satisfied=True),
    "close": lambda actor, n: actions.close_appeal(actor, n),
    "reopen": lambda actor, n: actions.reopen_appeal(actor, n, reason="Снова холодно"),
    "cancel": lambda actor, n: actions.cancel_appeal(actor, n, reason="spam"),
    "forward_112": lambda actor, n: actions.forward_to_112(actor, n, services=["101"]),
    "return_from_112": lambda actor, n: by_112(actor, n, "return_from_112"),
    "closed_by_112": lambda actor, n: by_112(actor, n, "closed_by_112"),
    "transfer": lambda actor, n: actions.transfer_appeal(actor, n, akimat="kyzylzhar", reason="Не наш район"),
}
# Who does each transition in the table-driven tests below.
DOER = {
    name: {
        Operation.APPEAL_EXECUTE: EXECUTOR,
        Operation.APPEAL_REJECT: SUPERVISOR,
        Operation.EMERGENCY_HANDLE: DISPATCHER_112,
    }.get(operation, OPERATOR)
    for name, operation in NEEDS.items()
}

LEGAL = sorted((name, status) for (status, name) in LIFECYCLE)
ILLEGAL = [
    (name, status) for name in TRANSITION_NAMES for status in ALL_STATUSES if (status, name) not in LIFECYCLE
]


def transition_events(appeal: Appeal) -> list[tuple[str, str, str]]:
    return list(
        AppealEvent.objects.filter(appeal=appeal, kind=EventKind.TRANSITION)
        .order_by("id")
        .values_list("transition", "from_status", "to_status")
    )


def test_every_transition_has_a_call():
    assert set(CALLS) == set(NEEDS)


@pytest.mark.parametrize(("name", "source"), LEGAL)
def test_legal_transition_moves_and_writes_its_event(petropavlovsk, name, source):
    appeal = appeal_in(source)
    before = transition_events(appeal)

    CALLS[name](DOER[name], appeal.number)

    appeal.refresh_from_db()
    target = LIFECYCLE[(source, name)]
    assert appeal.status == target
    assert transition_events(appeal) == [*before, (name, source, target)]
    event = AppealEvent.objects.filter(appeal=appeal, transition=name).latest("id")
    assert event.actor_subject == DOER[name].subject
    assert event.actor_role == next(iter(DOER[name].roles)).value


@pytest.mark.parametrize(("name", "source"), ILLEGAL)
def test_illegal_transition_is_refused_and_changes_nothing(petropavlovsk, name, source):
    appeal = appeal_in(source)
    if NEEDS[name] == Operation.APPEAL_EXECUTE:
        # Executors act on their organisation's appeals only (an unassigned one is refused as
        # forbidden): give it to their organisation, so that only the state machine can refuse.
        Appeal.objects.filter(pk=appeal.pk).update(organisation=Organisation.objects.get(code=HOUSING))
    events_before = AppealEvent.objects.filter(appeal=appeal).count()

    with pytest.raises(AppealError) as caught:
        CALLS[name](DOER[name], appeal.number)

    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("status", "invalid_transition")
    assert source in problem.message
    appeal.refresh_from_db()
    assert appeal.status == source
    assert AppealEvent.objects.filter(appeal=appeal).count() == events_before


# ------------------------------------------------------------------ actions x roles, stateful
VETS = "veterinary-station"  # an organisation of the catalogue that is not the appeals' (heating)
PEOPLE: dict[str, Principal] = {
    **{role.value: principal(role, name=f"sm-{role.value}") for role in Role if role != Role.EXECUTOR},
    "executor": principal(Role.EXECUTOR, name="sm-executor", organisation=HOUSING),
    "executor of another organisation": principal(Role.EXECUTOR, name="sm-vet", organisation=VETS),
}
ORGANISATION_OF = {"executor": HOUSING, "executor of another organisation": VETS}


class AppealLifecycle(RuleBasedStateMachine):
    """One appeal of Petropavlovsk, moved by anyone trying anything. The model knows its status (from
    the oracle) and the organisation it was assigned to; after every step the appeal in the database
    must agree, and its history must have grown by one transition event per accepted step only."""

    @initialize(start=st.sampled_from(ALL_STATUSES))
    def new_appeal(self, start: str) -> None:
        """An appeal brought to `start` through the real transitions (each run starts elsewhere, so
        that the whole table is reached within a few steps)."""
        self.appeal = appeal_in(start)
        self.status = start
        # Heating is routed to housing: set by the first assignment, kept through reopening and 112.
        self.organisation = self.appeal.organisation.code if self.appeal.organisation_id else None
        assert self.organisation in (None, HOUSING)
        self.transitions = transition_events(self.appeal)
        self.events = AppealEvent.objects.filter(appeal=self.appeal).count()
        self.checked: set[str] = set()  # statuses where every forbidden move was tried

    def refusal(self, who: str, name: str) -> tuple[str, str | None] | None:
        """Why `who` may not do it, whatever the status: the permission matrix (no field), then, for
        executors, an appeal that is not their own organisation's (field `number`)."""
        if not can(PEOPLE[who], NEEDS[name]):
            return ("forbidden", None)
        if who in ORGANISATION_OF and ORGANISATION_OF[who] != self.organisation:
            return ("forbidden", "number")
        return None

    def attempt(self, who: str, name: str) -> None:
        try:
            CALLS[name](PEOPLE[who], self.appeal.number)
        except AppealError as error:
            refused = [(problem.code, problem.field) for problem in error.problems]
        else:
            refused = None
        self.appeal.refresh_from_db()
        if forbidden := self.refusal(who, name):
            assert refused == [forbidden], (who, name, self.status, refused)
        elif (self.status, name) not in LIFECYCLE:
            assert refused == [("invalid_transition", "status")], (who, name, self.status, refused)
        else:
            assert refused is None, (who, name, self.status, refused)
            target = LIFECYCLE[(self.status, name)]
            self.transitions.append((name, self.status, target))
            self.status = target
            if name == "assign":
                # Housing by the routing rule, or another organisation on a reassignment (_assign).
                self.organisation = self.appeal.organisation.code
        if refused is not None:
            # Nothing at all was written: no transition, no other event either.
            assert AppealEvent.objects.filter(appeal=self.appeal).count() == self.events
        self.events = AppealEvent.objects.filter(appeal=self.appeal).count()

    @rule(who=st.sampled_from(sorted(PEOPLE)), name=st.sampled_from(TRANSITION_NAMES))
    def anyone_tries_anything(self, who: str, name: str) -> None:
        self.attempt(who, name)

    @rule(data=st.data())
    def everything_the_table_forbids_here_is_refused(self, data: st.DataObject) -> None:
        """In each status reached (once per run): every move the table does not list, tried by someone
        the matrix allows, so that only the state machine can refuse it (`invalid_transition`)."""
        if self.status in self.checked:
            return
        self.checked.add(self.status)
        for name in TRANSITION_NAMES:
            allowed = sorted(who for who in PEOPLE if self.refusal(who, name) is None)
            if (self.status, name) not in LIFECYCLE and allowed:
                self.attempt(data.draw(st.sampled_from(allowed), label=f"who tries {name}"), name)

    @rule(data=st.data())
    def someone_allowed_makes_a_documented_move(self, data: st.DataObject) -> None:
        """Walks deep into the lifecycle (random pairs are mostly refused)."""
        moves = sorted(name for (status, name) in LIFECYCLE if status == self.status)
        if not moves:  # closed for good: cancelled or transferred
            return
        name = data.draw(st.sampled_from(moves), label="transition")
        allowed = sorted(who for who in PEOPLE if self.refusal(who, name) is None)
        if not allowed:
            return
        self.attempt(data.draw(st.sampled_from(allowed), label="who"), name)

    @invariant()
    def the_database_agrees_with_the_model(self) -> None:
        if not hasattr(self, "appeal"):
            return
        assert self.appeal.status == self.status
        assert transition_events(self.appeal) == self.transitions


def test_anyone_doing_anything_moves_appeals_only_as_the_oracle_and_the_matrix_allow(petropavlovsk):
    run_state_machine_as_test(
        AppealLifecycle,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# ------------------------------------------------------------------ details of single moves
@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda n: actions.mark_not_done(EXECUTOR, n, reason="  "), "reason"),
        (lambda n: actions.reject_appeal(OPERATOR, n, reason=""), "reason"),
        # Done says what was done: the operator tells the citizen on the call-back (decision 110).
        (lambda n: actions.mark_done(EXECUTOR, n, resolution=" \n "), "resolution"),
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


@pytest.mark.parametrize("source", ["assigned", "in_progress"])
def test_assigning_again_as_it_already_is_is_refused(petropavlovsk, source):
    """The same organisation and person again would only repeat the history and the e-mail."""
    appeal = appeal_in(source)
    events = AppealEvent.objects.filter(appeal=appeal).count()
    with pytest.raises(AppealError) as refused:
        actions.assign_appeal(OPERATOR, appeal.number, organisation_code=appeal.organisation.code)
    assert [(p.field, p.code) for p in refused.value.problems] == [("organisation", "already_assigned")]
    assert AppealEvent.objects.filter(appeal=appeal).count() == events
