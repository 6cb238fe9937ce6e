"""GraphQL for the tenant registry: the current akimat, and the region's list of akimats."""

from __future__ import annotations

import graphene
from django_tenants.utils import get_public_schema_name

from tenants.models import Akimat


class AkimatType(graphene.ObjectType):
    slug = graphene.String(required=True)
    kato = graphene.String(required=True, description="KATO code (9 digits)")
    kind = graphene.String(required=True, description="city, district or region")
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)
    name_en = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)


class TenantQuery(graphene.ObjectType):
    akimat = graphene.Field(AkimatType, required=True, description="The akimat whose host answered.")

    def resolve_akimat(self, info: graphene.ResolveInfo) -> Akimat:
        return info.context.tenant


class RegionQuery(graphene.ObjectType):
    region = graphene.Field(AkimatType, required=True)
    akimats = graphene.List(graphene.NonNull(AkimatType), required=True)

    def resolve_region(self, info: graphene.ResolveInfo) -> Akimat:
        return info.context.tenant

    def resolve_akimats(self, info: graphene.ResolveInfo) -> list[Akimat]:
        return list(Akimat.objects.exclude(schema_name=get_public_schema_name()).defer("boundary"))
