"""closeAppeal: the citizen was informed; the appeal is closed."""

from __future__ import annotations

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation, NumberInput
from appeals.models import Appeal


class CloseAppeal(AppealMutation):
    operation = Operation.APPEAL_CALLBACK

    class Arguments:
        input = NumberInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: NumberInput) -> Appeal:
        return actions.close_appeal(principal, data.number, comment=data.comment)
