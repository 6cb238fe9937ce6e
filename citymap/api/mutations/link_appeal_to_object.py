"""linkAppealToObject: the appeal is about this map object (its card counts it)."""

from __future__ import annotations

import graphene

from accounts.principal import Principal
from citymap.api.errors import database_id
from citymap.api.mutations._base import MapMutation
from citymap.api.types import MapObjectType
from citymap.links.actions import link_appeal_to_object


class LinkAppealToObjectInput(graphene.InputObjectType):
    number = graphene.Int(required=True)
    object_id = graphene.ID(required=True)


class LinkAppealToObject(MapMutation):
    class Arguments:
        input = LinkAppealToObjectInput(required=True)

    map_object = graphene.Field(MapObjectType)

    @classmethod
    def perform(cls, principal: Principal, data: LinkAppealToObjectInput) -> dict:
        link = link_appeal_to_object(principal, data.number, database_id(data.object_id, "objectId"))
        return {"map_object": link.map_object}
