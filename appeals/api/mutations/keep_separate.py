"""keepSeparate: the operator saw the proposed repeats and keeps the appeal on its own (recorded)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class KeepSeparateInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    proposed = graphene.List(graphene.NonNull(graphene.Int), required=True, description="numbers proposed")
    comment = graphene.String(default_value="")


class KeepSeparate(AppealMutation):
    operation = Operation.APPEAL_ROUTE

    class Arguments:
        input = KeepSeparateInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: KeepSeparateInput) -> Appeal:
        return actions.keep_separate(
            principal, data.number, proposed=list(data.proposed), comment=data.comment
        )
