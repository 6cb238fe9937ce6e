"""A small city for the map's tests: a few streets of Petropavlovsk with houses (letters included),
a yard, a boiler house feeding buildings through a pipe, a substation, wells. Built as GeoJSON
features in code, imported through the real import service."""

from __future__ import annotations

import json
import math
from typing import Any

# Inside Petropavlovsk's real boundary (the centre).
CENTRE = (69.1450, 54.8720)


def offset(east_m: float, north_m: float, origin: tuple[float, float] = CENTRE) -> tuple[float, float]:
    lon, lat = origin
    return (
        round(lon + east_m / (111_320 * math.cos(math.radians(lat))), 6),
        round(lat + north_m / 111_320, 6),
    )


def feature(geometry: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(east_m: float, north_m: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": list(offset(east_m, north_m))}


def square(east_m: float, north_m: float, side_m: float) -> dict[str, Any]:
    corners = [(0, 0), (side_m, 0), (side_m, side_m), (0, side_m), (0, 0)]
    return {
        "type": "Polygon",
        "coordinates": [[list(offset(east_m + dx, north_m + dy)) for dx, dy in corners]],
    }


def line(*points_m: tuple[float, float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(offset(e, n)) for e, n in points_m]}


STREETS = {
    # key: (ru, kk, north offset of the street in metres)
    "abaya": ("ул. Абая", "Абай көшесі", 0),
    "zhambyla": ("ул. Жамбыла", "Жамбыл көшесі", 300),
    "zhumabaeva": ("ул. Жумабаева", "Жұмабаев көшесі", 600),
    "konstitucii": ("ул. Конституции Казахстана", "Қазақстан Конституциясы көшесі", 900),
}
HOUSES = ("1", "2", "5", "11", "12", "12а", "12б", "13", "14", "20")


def building(street: str, house: str, **extra: Any) -> dict[str, Any]:
    ru, kk, north = STREETS[street]
    index = HOUSES.index(house) if house in HOUSES else 0
    properties = {
        "kind": "building",
        "external_id": f"{street}-{house}",
        "street_ru": ru,
        "street_kk": kk,
        "house": house,
        "apartments": 60,
        "floors": 5,
        "year_built": 1975,
        "organisation": "osi-test",
        "management_company": "osi-test",
    }
    properties.update(extra)
    return feature(point(index * 40 - 200, north), **properties)


def city_features() -> list[dict[str, Any]]:
    features = [building(street, house) for street in STREETS for house in HOUSES]
    heated = [f"abaya-{h}" for h in ("1", "2", "5", "11")] + ["zhambyla-1", "zhambyla-2"]
    features += [
        feature(
            square(-260, 80, 40),
            kind="yard",
            external_id="yard-abaya-1",
            name_ru="Двор дома Абая 1",
            name_kk="Абай 1 үйдің ауласы",
            organisation="osi-test",
        ),
        feature(
            point(-400, 150),
            kind="boiler_house",
            external_id="K-2",
            name_ru="Котельная №2",
            name_kk="№2 қазандық",
            organisation="heat-network",
            person="Серик Жакупов",
            serves=["pipe:T-2-1"],
            power_mw=12,
        ),
        feature(
            line((-400, 150), (-200, 150), (-100, 300)),
            kind="pipe",
            external_id="T-2-1",
            name_ru="Теплотрасса Т-2-1",
            organisation="heat-network",
            serves=heated,
        ),
        feature(
            point(300, 450),
            kind="substation",
            external_id="TP-114",
            name_ru="ТП-114",
            name_kk="ҚС-114",
            organisation="power-grid",
            serves=[f"zhumabaeva-{h}" for h in HOUSES],
        ),
        feature(
            point(-150, 20),
            kind="well",
            external_id="W-7",
            name_ru="Колодец ТК-7",
            organisation="heat-network",
        ),
    ]
    return features


def geojson(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
