"""The app's GraphQL entry points, assembled into the tenant schema by ikomek.schema."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from graphene.relay.node import NodeField

from appeals.api.cross_tenant import CrossTenantQuery
from appeals.api.emergency import EmergencyQuery
from appeals.api.errors import bad_input
from appeals.api.kpis import AkimatKpiQuery
from appeals.api.mutations import AppealsMutation
from appeals.api.queries import AppealsQuery


class CheckedNodeField(NodeField):
    """`node(id)` whose id names no node type of this schema is refused as `invalid_id`; graphene
    would raise a bare exception carrying its own text."""

    def wrap_resolve(self, parent_resolver: Any) -> Any:
        return self.resolve_node

    @staticmethod
    def resolve_node(root: None, info: graphene.ResolveInfo, id: str) -> object:
        try:
            type_name, _ = relay.Node.resolve_global_id(info, id)
        except Exception:  # base64, UTF-8, "Type:id": graphene raises whatever its decoding raised
            type_name = ""
        named = info.schema.get_type(type_name) if type_name else None
        graphene_type = getattr(named, "graphene_type", None)
        if graphene_type is None or relay.Node not in getattr(graphene_type._meta, "interfaces", ()):
            raise bad_input("id", "invalid_id", "Мұндай идентификатор жоқ / Нет такого идентификатора")
        return relay.Node.get_node_from_global_id(info, id)


class AppealsQueryRoot(AppealsQuery, EmergencyQuery, CrossTenantQuery, AkimatKpiQuery):
    node = CheckedNodeField(relay.Node)


__all__ = ["AppealsMutation", "AppealsQueryRoot"]
