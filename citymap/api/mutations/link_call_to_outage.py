"""linkCallToOutage: one step links a call to the outage, with no new work order: the appeal taken
(`number`) or the call itself (`call`). The first call carries the outage's work order; the others
become its repeats and are called back when it ends."""

from __future__ import annotations

import graphene

from accounts.principal import Principal
from appeals.api.enums import AppealChannel, ApplicantLanguage
from appeals.api.types import AppealType
from citymap.api.enums import value_of
from citymap.api.errors import database_id
from citymap.api.mutations._base import MapMutation
from citymap.api.types import OutageType
from citymap.outages.actions import CallInput, link_call


class OutageCallInput(graphene.InputObjectType):
    applicant_phone = graphene.String(required=True)
    channel = AppealChannel(default_value="landline")
    applicant_name = graphene.String(default_value="")
    applicant_language = ApplicantLanguage()
    description = graphene.String(default_value="", description="default: the outage's kind and cause")
    building_id = graphene.ID(description="where the caller lives")


class LinkCallToOutageInput(graphene.InputObjectType):
    outage_id = graphene.ID(required=True)
    number = graphene.Int(description="an appeal already taken for the call")
    call = OutageCallInput(description="the call, when no appeal was taken for it")
    comment = graphene.String(default_value="")


class LinkCallToOutage(MapMutation):
    class Arguments:
        input = LinkCallToOutageInput(required=True)

    outage = graphene.Field(OutageType)
    appeal = graphene.Field(AppealType, description="the call's appeal after the link")
    lead_number = graphene.Int(description="the appeal carrying the outage's work order")
    as_lead = graphene.Boolean(description="this call carries the work order (the outage's first call)")

    @classmethod
    def perform(cls, principal: Principal, data: LinkCallToOutageInput) -> dict:
        call = None
        if data.call is not None:
            building = data.call.building_id
            call = CallInput(
                phone=data.call.applicant_phone,
                channel=value_of(data.call.channel),
                name=data.call.applicant_name,
                language=value_of(data.call.applicant_language) if data.call.applicant_language else "",
                description=data.call.description,
                building_id=database_id(building, "call.buildingId") if building is not None else None,
            )
        linked = link_call(
            principal,
            database_id(data.outage_id, "outageId"),
            number=data.number,
            call=call,
            comment=data.comment,
        )
        return {
            "outage": linked.outage,
            "appeal": linked.appeal,
            "lead_number": linked.lead.number,
            "as_lead": linked.as_lead,
        }
