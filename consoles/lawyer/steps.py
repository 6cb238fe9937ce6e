"""The violation page's forms: which moves the lawyer may make from the violation's state now,
what each asks for, and the action each calls. The rules stay in `appeals.violations.actions`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation, can
from accounts.principal import Principal
from appeals import actions
from appeals.models import Violation, ViolationStatus
from appeals.violations.actions import VIOLATION_TRANSITIONS


@dataclass(frozen=True)
class ViolationStep:
    name: str  # in the URL
    target: str  # the state it leads to
    title: Promise
    field: str  # the action's problem field, and the form's text area
    label: Promise
    call: Callable[[Principal, int, str], Violation]


STEPS: dict[str, ViolationStep] = {
    step.name: step
    for step in (
        ViolationStep(
            "explanation",
            ViolationStatus.EXPLANATION_RECEIVED,
            _("Record the explanation"),
            "explanation",
            _("The organisation's explanation"),
            lambda who, pk, text: actions.record_explanation(who, pk, explanation=text),
        ),
        ViolationStep(
            "sanction",
            ViolationStatus.SANCTION_PROPOSED,
            _("Propose a sanction"),
            "sanction",
            _("Sanction proposed"),
            lambda who, pk, text: actions.propose_sanction(who, pk, sanction=text),
        ),
        ViolationStep(
            "close",
            ViolationStatus.CLOSED,
            _("Close the violation"),
            "note",
            _("Outcome"),
            lambda who, pk, text: actions.close_violation(who, pk, note=text),
        ),
    )
}


def available_steps(principal: Principal, violation: Violation) -> list[ViolationStep]:
    """The moves open from the violation's state, if the person may manage violations at all."""
    if not can(principal, Operation.VIOLATION_MANAGE):
        return []
    return [step for step in STEPS.values() if violation.status in VIOLATION_TRANSITIONS[step.target]]
