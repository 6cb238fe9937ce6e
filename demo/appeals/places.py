"""Where demo appeals come from: real Petropavlovsk streets (approximate positions), and villages
around each district's centre, always inside the tenant's real boundary."""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

from shapely import wkb
from shapely.geometry import Point
from shapely.prepared import prep

DATA = Path(__file__).resolve().parent / "data"
VILLAGE_STREETS = (
    "ул. Абая",
    "ул. Школьная",
    "ул. Целинная",
    "ул. Садовая",
    "ул. Мира",
    "ул. Жамбыла",
    "ул. Молодёжная",
    "ул. Степная",
    "ул. Байтурсынова",
    "ул. Победы",
)


@dataclass(frozen=True)
class Street:
    code: str
    name: str
    lon: float
    lat: float
    houses: int


@dataclass(frozen=True)
class Place:
    address: str
    object_key: str  # the building
    lon: float
    lat: float


def metres_to_degrees(lat: float, north: float, east: float) -> tuple[float, float]:
    return east / (111_320 * math.cos(math.radians(lat))), north / 111_320


class Places:
    def __init__(self, boundary_wkb: bytes, rng: random.Random, town: str, streets: list[Street]) -> None:
        self.boundary = wkb.loads(boundary_wkb)
        self.inside = prep(self.boundary)
        self.rng = rng
        self.town = town
        self.streets = streets

    @classmethod
    def petropavlovsk(cls, boundary_wkb: bytes, rng: random.Random) -> Places:
        with (DATA / "petropavlovsk_streets.csv").open(encoding="utf-8", newline="") as handle:
            streets = [
                Street(r["code"], r["street"], float(r["lon"]), float(r["lat"]), int(r["houses"]))
                for r in csv.DictReader(handle)
            ]
        return cls(boundary_wkb, rng, "г. Петропавловск", streets)

    @classmethod
    def district(cls, boundary_wkb: bytes, rng: random.Random, centre: str) -> Places:
        """Streets of the district's centre, placed around a point inside the district."""
        boundary = wkb.loads(boundary_wkb)
        anchor = boundary.representative_point()
        streets = []
        for index, name in enumerate(VILLAGE_STREETS):
            dlon, dlat = metres_to_degrees(anchor.y, rng.uniform(-1500, 1500), rng.uniform(-1500, 1500))
            point = Point(anchor.x + dlon, anchor.y + dlat)
            if not boundary.contains(point):
                point = anchor
            streets.append(Street(f"s{index}", name, point.x, point.y, rng.randint(20, 80)))
        return cls(boundary_wkb, rng, centre, streets)

    def pick(self) -> Place:
        street = self.rng.choice(self.streets)
        house = self.rng.randint(1, street.houses)
        # Houses along the street: a deterministic offset per house, a little noise per report.
        house_rng = random.Random(f"{street.code}-{house}")
        north, east = house_rng.uniform(-150, 150), house_rng.uniform(-250, 250)
        dlon, dlat = metres_to_degrees(street.lat, north, east)
        lon, lat = street.lon + dlon, street.lat + dlat
        if not self.inside.contains(Point(lon, lat)):
            lon, lat = street.lon, street.lat
        return Place(
            address=f"{self.town}, {street.name}, {house}",
            object_key=f"building:{street.code}-{house}",
            lon=round(lon, 6),
            lat=round(lat, 6),
        )

    def near(self, place: Place) -> tuple[float, float]:
        """Another report about the same building, a few metres away."""
        dlon, dlat = metres_to_degrees(place.lat, self.rng.uniform(-20, 20), self.rng.uniform(-20, 20))
        lon, lat = round(place.lon + dlon, 6), round(place.lat + dlat, 6)
        return (lon, lat) if self.inside.contains(Point(lon, lat)) else (place.lon, place.lat)
