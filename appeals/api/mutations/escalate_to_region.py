"""escalateToRegion: put the appeal in the regional escalation queue (reason required)."""

from __future__ import annotations

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.api.mutations.mark_not_done import ReasonInput
from appeals.models import Appeal


class EscalateToRegion(AppealMutation):
    operation = Operation.APPEAL_TRANSFER

    class Arguments:
        input = ReasonInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: ReasonInput) -> Appeal:
        return actions.escalate_to_region(principal, data.number, reason=data.reason)
