"""The region's ranking of places: each akimat's newest `map.ranking`, merged for the console."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from regional.models import PlaceRanking

REGION_PLACES = 20


def apply_ranking(schema: str, payload: dict[str, Any]) -> bool:
    """Keep the akimat's report unless a newer one is already here (a late, older message changes
    nothing). Returns whether it was kept."""
    computed_at = parse_datetime(payload["computed_at"])
    with transaction.atomic():
        current = PlaceRanking.objects.select_for_update().filter(schema=schema).first()
        if current is not None and current.computed_at >= computed_at:
            return False
        PlaceRanking.objects.update_or_create(
            schema=schema,
            defaults={
                "computed_at": computed_at,
                "since": parse_datetime(payload["since"]),
                "until": parse_datetime(payload["until"]),
                "places": payload["places"],
            },
        )
    return True


@dataclass
class RegionPlace:
    schema: str
    place: dict[str, Any]
    computed_at: object
    akimat: object = None  # the registry's row, for its name (the console sets it)

    @property
    def appeals(self) -> int:
        return int(self.place["appeals"])


def region_places(schemas: set[str], limit: int = REGION_PLACES) -> list[RegionPlace]:
    """The places with the most appeals across the given akimats (the active ones), most first;
    one query whatever the number of akimats."""
    found = [
        RegionPlace(ranking.schema, place, ranking.computed_at)
        for ranking in PlaceRanking.objects.filter(schema__in=schemas)
        for place in ranking.places
    ]
    found.sort(key=lambda row: (-row.appeals, row.schema, row.place["key"]))
    return found[:limit]
