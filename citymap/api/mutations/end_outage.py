"""endOutage: the outage is over; its work orders are reported done and every caller linked to it
waits in the call-back queue."""

from __future__ import annotations

import graphene

from accounts.principal import Principal
from appeals.api.types import AppealType
from citymap.api.errors import database_id
from citymap.api.mutations._base import MapMutation
from citymap.api.types import OutageType
from citymap.outages.actions import end_outage


class EndOutageInput(graphene.InputObjectType):
    outage_id = graphene.ID(required=True)
    comment = graphene.String(default_value="")


class EndOutage(MapMutation):
    class Arguments:
        input = EndOutageInput(required=True)

    outage = graphene.Field(OutageType)
    callbacks = graphene.List(
        graphene.NonNull(AppealType), description="the appeals now in the call-back queue, with their callers"
    )
    callers = graphene.Int(description="calls linked to the outage (each is called back)")

    @classmethod
    def perform(cls, principal: Principal, data: EndOutageInput) -> dict:
        ended = end_outage(principal, database_id(data.outage_id, "outageId"), comment=data.comment)
        return {"outage": ended.outage, "callbacks": ended.answered, "callers": ended.callers}
