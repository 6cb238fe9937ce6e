"""Petropavlovsk's demo buildings: every house of the streets the demo appeals come from
(demo/appeals/data/petropavlovsk_streets.csv), at the very point those appeals put it, so an
appeal's objectKey `building:<street>-<house>` names a building of the map. Streets in Russian from
that file, in Kazakh from data/petropavlovsk_streets_kk.csv."""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shapely.geometry import Point
from shapely.prepared import prep

APPEALS_DATA = Path(__file__).resolve().parent.parent / "appeals" / "data"
DATA = Path(__file__).resolve().parent / "data"
# Two management companies share the city as the demo routes do (north / centre and south).
NORTH_OF = 54.875


def metres_to_degrees(lat: float, north: float, east: float) -> tuple[float, float]:
    """As demo/appeals/places.py's (imported from there it would load the appeals' models)."""
    return east / (111_320 * math.cos(math.radians(lat))), north / 111_320


def streets() -> list[dict[str, Any]]:
    with (DATA / "petropavlovsk_streets_kk.csv").open(encoding="utf-8", newline="") as handle:
        kazakh = {row["code"]: row["street_kk"] for row in csv.DictReader(handle)}
    with (APPEALS_DATA / "petropavlovsk_streets.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {
                "code": row["code"],
                "ru": row["street"],
                "kk": kazakh[row["code"]],
                "lon": float(row["lon"]),
                "lat": float(row["lat"]),
                "houses": int(row["houses"]),
            }
            for row in csv.DictReader(handle)
        ]


def house_point(street: dict[str, Any], house: int, inside: object) -> tuple[float, float]:
    """Where demo/appeals/places.py's Places.pick puts the house (the same seed, the same offsets)."""
    house_rng = random.Random(f"{street['code']}-{house}")
    north, east = house_rng.uniform(-150, 150), house_rng.uniform(-250, 250)
    dlon, dlat = metres_to_degrees(street["lat"], north, east)
    lon, lat = street["lon"] + dlon, street["lat"] + dlat
    if not inside.contains(Point(lon, lat)):
        lon, lat = street["lon"], street["lat"]
    return round(lon, 6), round(lat, 6)


def building_features(boundary: object) -> Iterator[dict[str, Any]]:
    """GeoJSON features of every house; figures drawn from a seed per house (the same every time)."""
    inside = prep(boundary)
    for street in streets():
        for house in range(1, street["houses"] + 1):
            lon, lat = house_point(street, house, inside)
            rng = random.Random(f"building-{street['code']}-{house}")
            floors = rng.choice((1, 2, 2, 5, 5, 5, 5, 9, 9, 10, 12))
            company = "uk-bereke" if lat >= NORTH_OF else "osi-ortalyk"
            yield {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "kind": "building",
                    "external_id": f"{street['code']}-{house}",
                    "street_ru": street["ru"],
                    "street_kk": street["kk"],
                    "house": str(house),
                    "floors": floors,
                    "apartments": 1 if floors <= 2 else floors * rng.choice((4, 6, 8)),
                    "year_built": rng.randint(1955, 2022),
                    "management_company": company if floors > 2 else "",
                    "organisation": company,
                },
            }
