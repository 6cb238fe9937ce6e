"""startWork: the responsible service takes the appeal into work (assigned -> in progress)."""

from __future__ import annotations

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation, NumberInput
from appeals.models import Appeal


class StartWork(AppealMutation):
    operation = Operation.APPEAL_EXECUTE

    class Arguments:
        input = NumberInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: NumberInput) -> Appeal:
        return actions.start_work(principal, data.number, comment=data.comment)
