"""GraphQL types of the map. Times in Asia/Almaty; search results and public outages carry no
people and no appeals."""

from __future__ import annotations

import graphene

from appeals.api.fields import choice, time_field
from appeals.api.types import AppealType, GeoPoint, OrganisationType, ResponsiblePersonType
from citymap.api.enums import MapObjectKind, OutageKindEnum, OutageNatureEnum, WorkStatusEnum


def _point(obj: object, info: graphene.ResolveInfo) -> GeoPoint:
    return GeoPoint(longitude=obj.point.x, latitude=obj.point.y)


def _id(obj: object, info: graphene.ResolveInfo) -> str:
    return str(obj.pk)


class MapObjectType(graphene.ObjectType):
    class Meta:
        name = "MapObject"
        description = "A building, yard or utility object of the akimat's map, with who answers for it."

    id = graphene.ID(required=True, resolver=_id)
    kind = graphene.Field(MapObjectKind, required=True, resolver=choice("kind"))
    external_id = graphene.String(required=True, description="the id in the akimat's own registers")
    key = graphene.String(required=True, description="kind:externalId, as an appeal's objectKey names it")
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)
    address_kk = graphene.String(required=True)
    address_ru = graphene.String(required=True)
    house = graphene.String(required=True, description="normalised: 12а, 12/1, 12к2")
    point = graphene.Field(GeoPoint, required=True, resolver=_point, description="where its pin goes")
    geometry = graphene.String(
        required=True, resolver=lambda o, info: o.geometry.geojson, description="GeoJSON"
    )
    area_m2 = graphene.Float(description="polygons (a yard), on the sphere")
    length_m = graphene.Float(description="lines (a pipe, a cable, a road), on the sphere")
    apartments = graphene.Int()
    floors = graphene.Int()
    year_built = graphene.Int()
    management_company = graphene.Field(OrganisationType)
    organisation = graphene.Field(OrganisationType, required=True, description="answers for the object")
    person = graphene.Field(ResponsiblePersonType, description="the responsible person")
    properties = graphene.JSONString(required=True, description="what else the import file said of it")


class AddressMatchType(graphene.ObjectType):
    class Meta:
        name = "AddressMatch"
        description = "A building or named object found by address search, best first."

    id = graphene.ID(required=True)
    kind = graphene.Field(MapObjectKind, required=True, resolver=choice("kind"))
    external_id = graphene.String(required=True)
    label_kk = graphene.String(required=True, description="its address, or its name")
    label_ru = graphene.String(required=True)
    house = graphene.String(required=True)
    point = graphene.Field(
        GeoPoint, required=True, resolver=lambda m, info: GeoPoint(m.longitude, m.latitude)
    )
    score = graphene.Float(required=True, description="street similarity, doubled for the same house")


class NearbyObjectType(graphene.ObjectType):
    class Meta:
        name = "NearbyObject"
        description = "A map object near a pin, nearest first."

    id = graphene.ID(required=True)
    kind = graphene.Field(MapObjectKind, required=True, resolver=choice("kind"))
    external_id = graphene.String(required=True)
    label_kk = graphene.String(required=True, resolver=lambda n, info: n.address_kk or n.name_kk)
    label_ru = graphene.String(required=True, resolver=lambda n, info: n.address_ru or n.name_ru)
    point = graphene.Field(
        GeoPoint, required=True, resolver=lambda n, info: GeoPoint(n.longitude, n.latitude)
    )
    distance_m = graphene.Float(required=True)


def _counted(outage: object, annotated: str, related: str) -> int:
    """Lists annotate their counts (citymap.outages.reads.with_counts); a single outage counts here."""
    if hasattr(outage, annotated):
        return getattr(outage, annotated)
    return getattr(outage, related).count()


class OutageType(graphene.ObjectType):
    class Meta:
        name = "Outage"
        description = "A planned or emergency shutdown over a set of buildings."

    id = graphene.ID(required=True, resolver=_id)
    kind = graphene.Field(OutageKindEnum, required=True, resolver=choice("kind"))
    nature = graphene.Field(OutageNatureEnum, required=True, resolver=choice("nature"))
    cause = graphene.String(required=True)
    starts_at = time_field("starts_at", required=True)
    expected_end_at = time_field("expected_end_at", required=True)
    ended_at = time_field("ended_at")
    is_open = graphene.Boolean(required=True)
    organisation = graphene.Field(OrganisationType, required=True)
    person = graphene.Field(ResponsiblePersonType)
    category_code = graphene.String(required=True, resolver=lambda o, info: o.category.code)
    source_object = graphene.Field(MapObjectType, description="the network object it goes through")
    lead_appeal_number = graphene.Int(
        resolver=lambda o, info: o.lead_appeal.number if o.lead_appeal_id else None,
        description="the appeal carrying its work order (its first call)",
    )
    building_count = graphene.Int(
        required=True, resolver=lambda o, info: _counted(o, "building_count", "buildings")
    )
    call_count = graphene.Int(required=True, resolver=lambda o, info: _counted(o, "call_count", "links"))


class StreetHousesType(graphene.ObjectType):
    class Meta:
        name = "OutageStreet"

    street_kk = graphene.String(required=True)
    street_ru = graphene.String(required=True)
    houses = graphene.List(graphene.NonNull(graphene.String), required=True)


class PublicOutageType(graphene.ObjectType):
    class Meta:
        name = "PublicOutage"
        description = "An outage as the akimat's public page shows it: no people, no appeals."

    id = graphene.ID(required=True)
    kind = graphene.Field(OutageKindEnum, required=True, resolver=choice("kind"))
    nature = graphene.Field(OutageNatureEnum, required=True, resolver=choice("nature"))
    cause = graphene.String(required=True)
    starts_at = time_field("starts_at", required=True)
    expected_end_at = time_field("expected_end_at", required=True)
    is_current = graphene.Boolean(required=True, description="on now (else planned within a week)")
    is_overdue = graphene.Boolean(
        required=True, description="on now past its expected end: not over until the akimat ends it"
    )
    streets = graphene.List(graphene.NonNull(StreetHousesType), required=True)


class ObjectWorkType(graphene.ObjectType):
    class Meta:
        name = "ObjectWork"

    id = graphene.ID(required=True, resolver=_id)
    title_kk = graphene.String(required=True)
    title_ru = graphene.String(required=True)
    status = graphene.Field(WorkStatusEnum, required=True, resolver=choice("status"))
    planned_start = graphene.Date(required=True)
    planned_end = graphene.Date(required=True)
    done_on = graphene.Date()
    organisation = graphene.Field(OrganisationType)


class AppealFiguresType(graphene.ObjectType):
    class Meta:
        name = "MapObjectAppealFigures"

    total = graphene.Int(required=True)
    open = graphene.Int(required=True)
    overdue = graphene.Int(required=True, description="open and marked overdue")
    repeated = graphene.Int(required=True, description="appeals others have repeated")


class ObjectCardType(graphene.ObjectType):
    class Meta:
        name = "MapObjectCard"
        description = (
            "Everything about a map object at once: who answers, what serves it, its appeals, "
            "outages, accidents and works."
        )

    map_object = graphene.Field(MapObjectType, required=True)
    suppliers = graphene.List(graphene.NonNull(MapObjectType), required=True, description="what serves it")
    consumers = graphene.Int(required=True, description="how many objects it serves directly")
    figures = graphene.Field(AppealFiguresType, required=True)
    open_appeals = graphene.List(graphene.NonNull(AppealType), required=True, description="newest first")
    repeated_appeals = graphene.List(graphene.NonNull(AppealType), required=True)
    outages_now = graphene.List(graphene.NonNull(OutageType), required=True)
    accidents = graphene.List(graphene.NonNull(OutageType), required=True, description="emergency outages")
    planned_works = graphene.List(graphene.NonNull(ObjectWorkType), required=True)
    done_works = graphene.List(graphene.NonNull(ObjectWorkType), required=True)


class HotspotObjectType(graphene.ObjectType):
    class Meta:
        name = "HotspotObject"
        description = "A map object ranked by its appeals in a period."

    map_object = graphene.Field(MapObjectType, required=True)
    appeals = graphene.Int(required=True)
    open = graphene.Int(required=True)
    overdue = graphene.Int(required=True)
    repeats = graphene.Int(required=True)
