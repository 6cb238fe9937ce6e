"""linkAsRepeat: the new appeal repeats an open one; it is cancelled as a duplicate, the original's
repeat count grows and the new applicant joins its call-back list. Returns the original."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class LinkAsRepeatInput(graphene.InputObjectType):
    number = graphene.Int(required=True, description="the new appeal")
    original_number = graphene.Int(required=True)
    comment = graphene.String(default_value="")


class LinkAsRepeat(AppealMutation):
    operation = Operation.APPEAL_ROUTE

    class Arguments:
        input = LinkAsRepeatInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: LinkAsRepeatInput) -> Appeal:
        return actions.link_as_repeat(
            principal, data.number, original_number=data.original_number, comment=data.comment
        )
