"""declareOutage: a planned or emergency outage over buildings picked on the map and those a network
object (a boiler house, a substation) serves."""

from __future__ import annotations

import graphene

from accounts.principal import Principal
from citymap.api.enums import OutageKindEnum, OutageNatureEnum, value_of
from citymap.api.errors import database_id
from citymap.api.mutations._base import MapMutation
from citymap.api.types import OutageType
from citymap.outages.actions import OutageInput, declare_outage


class DeclareOutageInput(graphene.InputObjectType):
    kind = OutageKindEnum(required=True)
    nature = OutageNatureEnum(required=True)
    cause = graphene.String(required=True)
    starts_at = graphene.DateTime(required=True)
    expected_end_at = graphene.DateTime(required=True)
    source_object_id = graphene.ID(description="a boiler house, substation, pipe, cable or well")
    building_ids = graphene.List(graphene.NonNull(graphene.ID), default_value=[])
    organisation = graphene.String(default_value="", description="code; default: the source object's")
    person_id = graphene.Int()
    category = graphene.String(default_value="", description="its calls' category; default by kind")


class DeclareOutage(MapMutation):
    class Arguments:
        input = DeclareOutageInput(required=True)

    outage = graphene.Field(OutageType)

    @classmethod
    def perform(cls, principal: Principal, data: DeclareOutageInput) -> dict:
        source = data.source_object_id
        outage = declare_outage(
            principal,
            OutageInput(
                kind=value_of(data.kind),
                nature=value_of(data.nature),
                cause=data.cause,
                starts_at=data.starts_at,
                expected_end_at=data.expected_end_at,
                source_object_id=database_id(source, "sourceObjectId") if source is not None else None,
                building_ids=[database_id(pk, "buildingIds") for pk in data.building_ids or []],
                organisation_code=data.organisation,
                person_id=data.person_id,
                category_code=data.category,
            ),
        )
        return {"outage": outage}
