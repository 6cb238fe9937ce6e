"""Root GraphQL schemas: one served on every akimat's host, one on the regional host."""

import graphene

from appeals.api.schema import AppealsMutation, AppealsQueryRoot
from citymap.api.schema import CityMapMutation, CityMapQuery
from ikomek import graphql_nulls
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


# An explicit null for a defaulted input field means its default (ikomek/graphql_nulls.py).
schema = graphql_nulls.apply(graphene.Schema(query=Query, mutation=Mutation))
regional_schema = graphql_nulls.apply(graphene.Schema(query=RegionalQuery, mutation=RegionalMutation))
