"""registerAppeal: the operator classifies the appeal (received -> registered, optionally assigned)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.enums import AppealPriority, value_of
from appeals.api.mutations._base import AppealMutation, NumberInput
from appeals.models import Appeal


class RegisterAppealInput(NumberInput):
    category = graphene.String(default_value="", description="category code (keeps the current one if empty)")
    priority = AppealPriority()
    assign = graphene.Boolean(default_value=False, description="send on to the routed organisation at once")


class RegisterAppeal(AppealMutation):
    operation = Operation.APPEAL_ROUTE

    class Arguments:
        input = RegisterAppealInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: RegisterAppealInput) -> Appeal:
        return actions.register_appeal(
            principal,
            data.number,
            category_code=data.category,
            priority=value_of(data.priority) if data.priority else "",
            comment=data.comment,
            assign=data.assign,
        )
