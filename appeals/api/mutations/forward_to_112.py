"""forwardTo112: the operator sends an appeal to the unified 112 centre (one or more services)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals import actions
from appeals.api.mutations._base import AppealMutation
from appeals.models import Appeal


class ForwardTo112Input(graphene.InputObjectType):
    number = graphene.Int(required=True)
    services = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="112 services: 101 fire, 102 police, 103 ambulance, 104 gas (one or more)",
    )
    note = graphene.String(default_value="", description="for the 112 dispatcher (what the caller said)")


class ForwardTo112(AppealMutation):
    """Leaves every 109 queue at once; while 112 has the appeal, forwarding again adds services."""

    operation = Operation.APPEAL_FORWARD_112

    class Arguments:
        input = ForwardTo112Input(required=True)

    @classmethod
    def perform(cls, principal: Principal, data: ForwardTo112Input) -> Appeal:
        return actions.forward_to_112(principal, data.number, services=data.services, note=data.note)
