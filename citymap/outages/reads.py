"""What is known about outages: those at a caller's address (the operator's view) and the current
ones for the akimat's public page."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.permissions import Operation
from accounts.principal import Principal
from citymap.access import authorise
from citymap.models import ObjectKind, Outage, OutageBuilding, OutageLink

# An outage about to start is already news to a caller ("the heating goes off tomorrow at 9").
AHEAD = datetime.timedelta(hours=48)
# The public page announces planned outages a week ahead.
PUBLIC_AHEAD = datetime.timedelta(days=7)
# A pin within this distance of a building is at that building.
PIN_RADIUS_M = 40.0


def with_counts(outages: QuerySet[Outage]) -> QuerySet[Outage]:
    """Each outage with `building_count` and `call_count` (subqueries: one statement for a list)."""
    buildings = OutageBuilding.objects.filter(outage=OuterRef("pk")).order_by().values("outage")
    calls = OutageLink.objects.filter(outage=OuterRef("pk")).order_by().values("outage")
    return outages.annotate(
        building_count=Coalesce(
            Subquery(buildings.annotate(n=Count("id")).values("n"), output_field=IntegerField()), Value(0)
        ),
        call_count=Coalesce(
            Subquery(calls.annotate(n=Count("id")).values("n"), output_field=IntegerField()), Value(0)
        ),
    )


def buildings_near(longitude: float, latitude: float, metres: float = PIN_RADIUS_M) -> RawSQL:
    """Ids of the buildings within `metres` of the pin: a box on the index, then metres on the sphere."""
    dlat = metres / 111_320 * 1.01
    dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
    return RawSQL(
        "SELECT o.id FROM citymap_mapobject o WHERE o.kind = %s"
        " AND o.geometry && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s)"
        " AND ST_DWithin(o.geometry::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s)",
        (ObjectKind.BUILDING.value, longitude, latitude, dlon, dlat, longitude, latitude, metres),
    )


def outages_at(
    actor: Principal,
    *,
    building_id: int | None = None,
    longitude: float | None = None,
    latitude: float | None = None,
    now: datetime.datetime | None = None,
) -> list[Outage]:
    """Outages on now (or starting within 48 h) at the building, or at the buildings by the pin;
    current first. One query."""
    authorise(actor, Operation.APPEAL_VIEW)
    now = now or timezone.now()
    outages = Outage.objects.filter(ended_at__isnull=True, starts_at__lte=now + AHEAD)
    if building_id is not None:
        outages = outages.filter(buildings__building_id=building_id)
    elif longitude is not None and latitude is not None:
        outages = outages.filter(buildings__building_id__in=buildings_near(longitude, latitude))
    else:
        return []
    ids = outages.values("id")
    return list(
        with_counts(Outage.objects.filter(pk__in=ids))
        .select_related("organisation", "person", "category", "source_object", "lead_appeal")
        .order_by("starts_at", "id")
    )


@dataclass
class StreetHouses:
    street_kk: str
    street_ru: str
    houses: list[str] = field(default_factory=list)


@dataclass
class PublicOutage:
    """What anyone may read of an outage: no people, no appeals."""

    id: int
    kind: str
    nature: str
    cause: str
    starts_at: datetime.datetime
    expected_end_at: datetime.datetime
    is_current: bool
    streets: list[StreetHouses]
    is_overdue: bool = False  # on now, and its expected end has passed: the work goes on


def _house_order(house: str) -> tuple[int, str]:
    digits = "".join(ch for ch in house if ch.isdigit()) or "0"
    leading = house[: len(house) - len(house.lstrip("0123456789"))] or digits
    return (int(leading[:6]), house)


def current_outages(now: datetime.datetime | None = None) -> list[PublicOutage]:
    """The outages on now and those planned within a week, with their streets and houses, for the
    akimat's public page (open to anyone). Two queries."""
    now = now or timezone.now()
    outages = list(
        Outage.objects.filter(ended_at__isnull=True, starts_at__lte=now + PUBLIC_AHEAD).order_by(
            "starts_at", "id"
        )
    )
    rows = (
        OutageBuilding.objects.filter(outage__in=[o.pk for o in outages])
        .values_list("outage_id", "building__street__name_kk", "building__street__name_ru", "building__house")
        .order_by("outage_id", "building__street__name_ru")
    )
    streets: dict[int, dict[str, StreetHouses]] = {}
    for outage_id, street_kk, street_ru, house in rows:
        by_name = streets.setdefault(outage_id, {})
        entry = by_name.setdefault(street_ru or "", StreetHouses(street_kk or "", street_ru or ""))
        if house:
            entry.houses.append(house)
    for by_name in streets.values():
        for entry in by_name.values():
            entry.houses.sort(key=_house_order)
    return [
        PublicOutage(
            id=o.pk,
            kind=o.kind,
            nature=o.nature,
            cause=o.cause,
            starts_at=o.starts_at,
            expected_end_at=o.expected_end_at,
            is_current=o.starts_at <= now,
            streets=list(streets.get(o.pk, {}).values()),
            is_overdue=o.starts_at <= now and o.expected_end_at < now,
        )
        for o in outages
    ]
