"""The appeal page's buttons: which transitions a person may make now, what each asks for, and
the action each calls. The rules stay in `appeals.actions`; this only maps a form to a call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.permissions import can
from accounts.principal import Principal
from appeals import actions
from appeals.errors import Problem
from appeals.models import Appeal, CancelReason
from appeals.rules.access import reach
from appeals.states import allowed_transitions


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    options: str = ""  # what to offer as one types (consoles/operator/step_options.py)


@dataclass(frozen=True)
class Step:
    transition: str
    fields: tuple[Field, ...]
    call: Callable[[Principal, int, dict[str, str]], object]


REASON = Field("reason", _("Reason"), required=True)
COMMENT = Field("comment", _("Comment"))

STEPS: dict[str, Step] = {
    step.transition: step
    for step in (
        Step(
            "register",
            (Field("category", _("Category code"), options="categories"), COMMENT),
            lambda who, n, f: actions.register_appeal(
                who, n, category_code=f.get("category", ""), comment=f.get("comment", "")
            ),
        ),
        Step(
            "assign",
            (
                Field("organisation", _("Organisation code (empty: by routing)"), options="organisations"),
                COMMENT,
            ),
            lambda who, n, f: actions.assign_appeal(
                who, n, organisation_code=f.get("organisation", ""), comment=f.get("comment", "")
            ),
        ),
        Step(
            "start_work",
            (COMMENT,),
            lambda who, n, f: actions.start_work(who, n, comment=f.get("comment", "")),
        ),
        Step(
            "mark_done",
            (Field("resolution", _("What was done"), required=True),),
            lambda who, n, f: actions.mark_done(who, n, resolution=f.get("resolution", "")),
        ),
        Step(
            "mark_not_done",
            (REASON,),
            lambda who, n, f: actions.mark_not_done(who, n, reason=f.get("reason", "")),
        ),
        Step(
            "reject", (REASON,), lambda who, n, f: actions.reject_appeal(who, n, reason=f.get("reason", ""))
        ),
        Step(
            "close", (COMMENT,), lambda who, n, f: actions.close_appeal(who, n, comment=f.get("comment", ""))
        ),
        Step(
            "reopen", (REASON,), lambda who, n, f: actions.reopen_appeal(who, n, reason=f.get("reason", ""))
        ),
        Step(
            "cancel",
            (Field("reason", _("Reason"), required=True, choices=tuple(CancelReason.choices)), COMMENT),
            lambda who, n, f: actions.cancel_appeal(
                who, n, reason=f.get("reason", ""), comment=f.get("comment", "")
            ),
        ),
        Step(
            "transfer",
            (Field("akimat", _("Akimat (slug)"), required=True, options="akimats"), REASON),
            lambda who, n, f: actions.transfer_appeal(
                who, n, akimat=f.get("akimat", ""), reason=f.get("reason", "")
            ),
        ),
        Step(
            "forward_112",
            (Field("services", _("Services (101, 102, 103, 104)"), required=True), COMMENT),
            lambda who, n, f: actions.forward_to_112(
                who, n, services=f.get("services", "").replace(",", " ").split(), note=f.get("comment", "")
            ),
        ),
    )
}


def available_steps(principal: Principal, appeal: Appeal) -> list[tuple[object, Step]]:
    """(transition, step) the person may make on this appeal now, in the machine's order."""
    found = []
    for transition in allowed_transitions(appeal.status):
        step = STEPS.get(transition.name)
        if step is None or not can(principal, transition.operation):
            continue
        if not reach(principal, transition.operation).allows(appeal):
            continue
        found.append((transition, step))
    return found


def refused_fields(step: Step, problems: list[Problem]) -> list[str]:
    """The step's fields an action's problems name (a problem about the appeal itself names none)."""
    named = {problem.field for problem in problems}
    return [field.name for field in step.fields if field.name in named]
