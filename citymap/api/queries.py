"""Read side of the map's GraphQL: address search and reverse lookup (open to anyone), the object's
card and the outages at an address (staff), the current outages (public), the hotspot ranking
(reports)."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from apierrors.graphql import api_error
from appeals.api.types import GeoPointInput
from appeals.rules.text import storable, text_problem
from citymap.api.enums import MapObjectKind, value_of
from citymap.api.errors import database_id, graphql_error, require_read
from citymap.api.types import (
    AddressMatchType,
    HotspotObjectType,
    NearbyObjectType,
    ObjectCardType,
    OutageType,
    PublicOutageType,
)
from citymap.cards.service import object_card
from citymap.errors import CityMapError
from citymap.hotspots.period import question
from citymap.hotspots.ranking import MAX_RANKED as HOTSPOTS_MAX
from citymap.hotspots.ranking import ranked_objects
from citymap.outages.reads import current_outages, outages_at
from citymap.search.addresses import MAX_RESULTS, search_addresses
from citymap.search.nearest import MAX_RESULTS as NEAREST_MAX
from citymap.search.nearest import nearest_objects

SEARCH_TEXT_MAX = 200
NEAREST_WITHIN_MAX = 2000


def _checked_point(location: object, field: str = "location") -> tuple[float, float]:
    longitude, latitude = location.longitude, location.latitude
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise graphql_error(
            CityMapError.of(field, "invalid_location", "Координаттар қате / Неверные координаты")
        )
    return longitude, latitude


def _checked_range(value: float, low: int, high: int, field: str, code: str) -> None:
    """A number outside its documented range is refused, never moved into it (NaN included)."""
    if not low <= value <= high:
        raise graphql_error(
            CityMapError.of(field, code, f"{field}: {low}–{high} аралығында / от {low} до {high}")
        )


class CityMapQuery(graphene.ObjectType):
    address_search = graphene.List(
        graphene.NonNull(AddressMatchType),
        required=True,
        text=graphene.String(required=True, description="Kazakh or Russian, typos welcome: 'Абай 12а'"),
        limit=graphene.Int(default_value=10, description="1-50"),
        description="Buildings and named objects for an address, best first (open to anyone)",
    )
    nearest_objects = graphene.List(
        graphene.NonNull(NearbyObjectType),
        required=True,
        location=GeoPointInput(required=True),
        kinds=graphene.List(graphene.NonNull(MapObjectKind)),
        within_m=graphene.Float(default_value=250.0, description="metres, 1-2000"),
        limit=graphene.Int(default_value=5, description="1-20"),
        description="Reverse lookup: the objects nearest a pin, nearest first (open to anyone)",
    )
    map_object = graphene.Field(
        ObjectCardType,
        id=graphene.ID(required=True),
        description="The object's card: who answers, its appeals, outages, accidents and works",
    )
    outages_at = graphene.List(
        graphene.NonNull(OutageType),
        required=True,
        object_id=graphene.ID(),
        location=GeoPointInput(),
        description="Outages on now (or within 48 h) at a building, or by a pin (40 m)",
    )
    current_outages = graphene.List(
        graphene.NonNull(PublicOutageType),
        required=True,
        description="Outages on now and planned within a week, for the public page (open to anyone)",
    )
    hotspot_objects = graphene.List(
        graphene.NonNull(HotspotObjectType),
        required=True,
        category=graphene.String(default_value="", description="a category code; its sub-categories count"),
        since=graphene.DateTime(),
        until=graphene.DateTime(),
        limit=graphene.Int(default_value=20, description="1-100"),
        description="Map objects with the most appeals in the period (default: the last 30 days)",
    )

    @staticmethod
    def resolve_address_search(root: None, info: graphene.ResolveInfo, text: str, limit: int) -> list:
        _checked_range(limit, 1, MAX_RESULTS, "limit", "invalid_limit")
        problem = text_problem("text", text, SEARCH_TEXT_MAX)  # intake's own rule and words
        if problem is not None:
            raise api_error(problem.message, code=problem.code, field=problem.field)
        return search_addresses(text, limit=limit)

    @staticmethod
    def resolve_nearest_objects(
        root: None,
        info: graphene.ResolveInfo,
        location: object,
        within_m: float,
        limit: int,
        kinds: list | None = None,
    ) -> list:
        longitude, latitude = _checked_point(location)
        _checked_range(within_m, 1, NEAREST_WITHIN_MAX, "withinM", "out_of_range")
        _checked_range(limit, 1, NEAREST_MAX, "limit", "invalid_limit")
        return nearest_objects(
            longitude,
            latitude,
            kinds=[value_of(k) for k in kinds or []] or None,
            within_m=within_m,
            limit=limit,
        )

    @staticmethod
    def resolve_map_object(root: None, info: graphene.ResolveInfo, id: str) -> object:
        require_read(info, Operation.APPEAL_VIEW)  # before the id is read: no existence oracle
        object_id = database_id(id, "id")
        try:
            return object_card(info.context.principal, object_id)
        except CityMapError as error:
            raise graphql_error(error) from None

    @staticmethod
    def resolve_outages_at(
        root: None, info: graphene.ResolveInfo, object_id: str | None = None, location: object = None
    ) -> list:
        require_read(info, Operation.APPEAL_VIEW)
        principal = info.context.principal
        if object_id is not None:
            return outages_at(principal, building_id=database_id(object_id, "objectId"))
        if location is not None:
            longitude, latitude = _checked_point(location)
            return outages_at(principal, longitude=longitude, latitude=latitude)
        return []

    @staticmethod
    def resolve_current_outages(root: None, info: graphene.ResolveInfo) -> list:
        return current_outages()

    @staticmethod
    def resolve_hotspot_objects(
        root: None,
        info: graphene.ResolveInfo,
        category: str,
        limit: int,
        since: object = None,
        until: object = None,
    ) -> list:
        require_read(info, Operation.REPORTS_VIEW)
        _checked_range(limit, 1, HOTSPOTS_MAX, "limit", "invalid_limit")
        if not storable(category) or len(category) > 60:
            category = "-"  # no such code: refused as an unknown category
        try:
            return ranked_objects(question(category, since, until), limit=limit)
        except CityMapError as error:
            raise graphql_error(error) from None
