"""assignAppeal: send the appeal to an organisation (the routed one unless named) and a person."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation, NumberInput
from appeals.models import Appeal


class AssignAppealInput(NumberInput):
    organisation = graphene.String(default_value="", description="organisation code; empty = routing decides")
    assignee_id = graphene.Int(description="a responsible person of that organisation")


class AssignAppeal(AppealMutation):
    operation = Operation.APPEAL_ROUTE

    class Arguments:
        input = AssignAppealInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: AssignAppealInput) -> Appeal:
        return actions.assign_appeal(
            principal,
            data.number,
            organisation_code=data.organisation,
            assignee_id=data.assignee_id,
            comment=data.comment,
        )
