"""GraphQL for the tenant registry: the current akimat, the region's list of akimats, and the one
per-request reading of the registry that every API naming another akimat uses."""

from __future__ import annotations

from dataclasses import dataclass

import graphene
from django_tenants.utils import get_public_schema_name

from tenants.models import Akimat


class AkimatRef(graphene.ObjectType):
    class Meta:
        description = "Another akimat of the region, as the registry names it."

    slug = graphene.String(required=True)
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)


class AkimatType(AkimatRef):
    class Meta:
        name = "AkimatType"
        description = None

    kato = graphene.String(required=True, description="KATO code (9 digits)")
    kind = graphene.String(required=True, description="city, district or region")
    name_en = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)


@dataclass(frozen=True)
class Registry:
    """Every akimat (the region excluded, boundaries never loaded), by slug and by schema."""

    by_slug: dict[str, Akimat]
    by_schema: dict[str, Akimat]


def registry(info: graphene.ResolveInfo) -> Registry:
    """The registry, read once per request whatever the number of rows that name an akimat."""
    cached = getattr(info.context, "_akimat_registry", None)
    if cached is None:
        akimats = list(Akimat.objects.defer("boundary"))
        public = get_public_schema_name()
        cached = Registry(
            by_slug={a.slug: a for a in akimats},
            by_schema={a.schema_name: a for a in akimats if a.schema_name != public},
        )
        info.context._akimat_registry = cached
    return cached


def akimat_ref(info: graphene.ResolveInfo, slug: str | None) -> Akimat | AkimatRef | None:
    if not slug:
        return None
    akimat = registry(info).by_slug.get(slug)
    if akimat is None:  # removed from the registry since: the slug still says where it went
        return AkimatRef(slug=slug, name_kk=slug, name_ru=slug)
    return akimat


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
        # The integrators' sandbox is no akimat of the region's (decision 79).
        return [a for a in registry(info).by_schema.values() if not a.is_sandbox]
