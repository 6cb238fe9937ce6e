"""markNotDone: the responsible service could not do the work (reason required)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class ReasonInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    reason = graphene.String(required=True)


class MarkNotDone(AppealMutation):
    operation = Operation.APPEAL_EXECUTE

    class Arguments:
        input = ReasonInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: ReasonInput) -> Appeal:
        return actions.mark_not_done(principal, data.number, reason=data.reason)
