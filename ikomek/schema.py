"""Root GraphQL schemas: one served on every akimat's host, one on the regional host."""

import graphene

from tenants.schema import RegionQuery, TenantQuery


class Query(TenantQuery, graphene.ObjectType):
    pass


class RegionalQuery(RegionQuery, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
regional_schema = graphene.Schema(query=RegionalQuery)
