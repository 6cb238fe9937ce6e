"""Root GraphQL schemas: one served on every akimat's host, one on the regional host."""

import graphene

from appeals.api.schema import AppealsMutation, AppealsQueryRoot
from citymap.api.schema import CityMapMutation, CityMapQuery
from integrations.api.schema import WebhooksMutation, WebhooksQuery
from regional.api.schema import RegionalEscalationMutation, RegionalReadModelQuery
from tenants.schema import RegionQuery, TenantQuery


class Query(AppealsQueryRoot, CityMapQuery, WebhooksQuery, TenantQuery, graphene.ObjectType):
    pass


class Mutation(AppealsMutation, CityMapMutation, WebhooksMutation, graphene.ObjectType):
    pass


class RegionalQuery(RegionQuery, RegionalReadModelQuery, graphene.ObjectType):
    pass


class RegionalMutation(RegionalEscalationMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
regional_schema = graphene.Schema(query=RegionalQuery, mutation=RegionalMutation)
