"""The app's GraphQL entry points, assembled into the tenant schema by ikomek.schema."""

from graphene import relay

from appeals.api.cross_tenant import CrossTenantQuery
from appeals.api.emergency import EmergencyQuery
from appeals.api.mutations import AppealsMutation
from appeals.api.queries import AppealsQuery


class AppealsQueryRoot(AppealsQuery, EmergencyQuery, CrossTenantQuery):
    node = relay.Node.Field()


__all__ = ["AppealsMutation", "AppealsQueryRoot"]
