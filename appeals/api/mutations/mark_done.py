"""markDone: the responsible service reports the work done."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class MarkDoneInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    # Optional in the schema as integrators built on it (graphql/baseline/); left out or blank, it is
    # refused with `required` on the field (decision 110).
    resolution = graphene.String(default_value="", description="what was done: required, blank is refused")


class MarkDone(AppealMutation):
    operation = Operation.APPEAL_EXECUTE

    class Arguments:
        input = MarkDoneInput(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: MarkDoneInput) -> Appeal:
        return actions.mark_done(principal, data.number, resolution=data.resolution)
