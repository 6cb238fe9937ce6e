"""reopenAppeal: the citizen is not satisfied (reason required); the SLA clock starts again."""

from __future__ import annotations

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.api.mutations.mark_not_done import ReasonInput
from appeals.models import Appeal


class ReopenAppeal(AppealMutation):
    operation = Operation.APPEAL_REOPEN

    class Arguments:
        input = ReasonInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: ReasonInput) -> Appeal:
        return actions.reopen_appeal(principal, data.number, reason=data.reason)
