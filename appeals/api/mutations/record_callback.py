"""recordCallback: the operator's call to the applicant (or to a linked repeat's applicant)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation


class RecordCallbackInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    reached = graphene.Boolean(required=True)
    satisfied = graphene.Boolean(description="required when reached; omitted when not")
    comment = graphene.String(default_value="")
    contact_number = graphene.Int(description="a repeat linked to this appeal whose applicant was called")


class RecordCallback(AppealMutation):
    operation = Operation.APPEAL_CALLBACK

    class Arguments:
        input = RecordCallbackInput(required=True)

    informed = graphene.Boolean(description="the appeal moved to citizen_informed")
    reopened = graphene.Boolean(description="the citizen was not satisfied: the appeal reopened")

    @classmethod
    def perform(cls, principal: Principal, data: RecordCallbackInput) -> dict:
        result = actions.record_callback(
            principal,
            data.number,
            reached=data.reached,
            satisfied=data.satisfied,
            comment=data.comment,
            contact_number=data.contact_number,
        )
        return {"appeal": result.appeal, "informed": result.informed, "reopened": result.reopened}
