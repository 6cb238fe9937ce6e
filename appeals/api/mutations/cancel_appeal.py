"""cancelAppeal: a duplicate or spam (to keep a duplicate's citizen informed, use linkAsRepeat)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.enums import AppealCancelReason, value_of
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class CancelAppealInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    reason = AppealCancelReason(required=True)
    comment = graphene.String(default_value="")


class CancelAppeal(AppealMutation):
    operation = Operation.APPEAL_CANCEL

    class Arguments:
        input = CancelAppealInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: CancelAppealInput) -> Appeal:
        return actions.cancel_appeal(
            principal, data.number, reason=value_of(data.reason), comment=data.comment
        )
