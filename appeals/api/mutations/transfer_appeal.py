"""transferAppeal: hand the appeal to the akimat whose territory it concerns (reason required)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class TransferAppealInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    akimat = graphene.String(required=True, description="slug of the receiving akimat (see transferTargets)")
    reason = graphene.String(required=True)


class TransferAppeal(AppealMutation):
    operation = Operation.APPEAL_TRANSFER

    class Arguments:
        input = TransferAppealInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: TransferAppealInput) -> Appeal:
        return actions.transfer_appeal(principal, data.number, akimat=data.akimat, reason=data.reason)
