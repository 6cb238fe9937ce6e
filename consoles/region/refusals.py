"""A refused escalation decision as the regional console shows it: which row and form, the reason in
the screen's language (the service's own message is for API clients), and what was typed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from regional.errors import Problem


@dataclass(frozen=True)
class Refused:
    escalation: int
    decision: str
    message: str
    code: str
    comment: str


def _reason(decision: str, problem: Problem) -> str:
    if problem.code == "required":
        if decision == "assign_back":
            return gettext("Write the instructions for the akimat.")
        return gettext("Write the resolution.")
    reasons = {
        "not_found": gettext("There is no such escalation."),
        "invalid_transition": gettext(
            "The escalation has moved on meanwhile: this decision is no longer possible."
        ),
        "akimat_unavailable": gettext("The akimat cannot be reached now: nothing was decided."),
        "invalid": gettext("There is no such decision."),
    }
    return reasons.get(problem.code, gettext("The decision was not taken."))


def refused_decision(escalation: int, decision: str, problem: Problem, comment: str) -> Refused:
    return Refused(escalation, decision, _reason(decision, problem), problem.code, comment.strip())
