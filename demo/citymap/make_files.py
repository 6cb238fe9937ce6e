"""Writes the demo's static map files in data/ (run once by hand when the demo changes:
`.venv/bin/python -m demo.citymap.make_files`): Petropavlovsk's network (boiler houses with their
heat mains, substations, cables and street lights, wells, chambers, roads, yards) over the demo
buildings, and the two districts' smaller sets (Kyzylzhar as CSV, Esil as GeoJSON). Everything lies
inside the real boundaries (tenants/data/north-kazakhstan/)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape
from shapely.prepared import prep

from demo.citymap.buildings import DATA, building_features, metres_to_degrees

BOUNDARIES = (
    Path(__file__).resolve().parents[2] / "tenants" / "data" / "north-kazakhstan" / "districts.geojson"
)


def boundary(slug: str) -> Any:
    document = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return next(shape(f["geometry"]) for f in document["features"] if f["properties"]["slug"] == slug)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (a[0] - b[0]) * 111_320 * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * 111_320)


def moved(origin: tuple[float, float], east: float, north: float) -> list[float]:
    dlon, dlat = metres_to_degrees(origin[1], north, east)
    return [round(origin[0] + dlon, 6), round(origin[1] + dlat, 6)]


def feature(geometry: dict, **properties: Any) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def point(lon_lat: list[float]) -> dict:
    return {"type": "Point", "coordinates": lon_lat}


def rectangle(origin: tuple[float, float], east: float, north: float, width: float, depth: float) -> dict:
    corners = [(0, 0), (width, 0), (width, depth), (0, depth), (0, 0)]
    return {"type": "Polygon", "coordinates": [[moved(origin, east + dx, north + dy) for dx, dy in corners]]}


BOILER_HOUSES = [
    # external id, name ru, name kk, (lon, lat), radius served (m)
    ("K-1", "Котельная №1 «Центральная»", "№1 «Орталық» қазандығы", (69.1452, 54.8712), 700),
    ("K-2", "Котельная №2 «Северная»", "№2 «Солтүстік» қазандығы", (69.1508, 54.8872), 700),
    ("K-3", "Котельная №3 «Южная»", "№3 «Оңтүстік» қазандығы", (69.1655, 54.8604), 700),
]
SUBSTATIONS = [
    ("TP-101", "ТП-101", "ҚС-101", (69.1400, 54.8740)),
    ("TP-102", "ТП-102", "ҚС-102", (69.1600, 54.8720)),
    ("TP-103", "ТП-103", "ҚС-103", (69.1520, 54.8900)),
    ("TP-104", "ТП-104", "ҚС-104", (69.1720, 54.8620)),
]


def petropavlovsk_network() -> list[dict]:
    city = boundary("petropavlovsk")
    inside = prep(city)
    houses = [
        (f["properties"]["external_id"], tuple(f["geometry"]["coordinates"])) for f in building_features(city)
    ]
    features: list[dict] = []
    for external_id, ru, kk, where, radius in BOILER_HOUSES:
        served = sorted(
            key
            for key, at in houses
            if metres(at, where) <= radius
            and min(BOILER_HOUSES, key=lambda b: metres(at, b[3]))[0] == external_id
        )
        main = f"T-{external_id[2:]}"
        features.append(
            feature(
                point(list(where)),
                kind="boiler_house",
                external_id=external_id,
                name_ru=ru,
                name_kk=kk,
                organisation="heat-network",
                person="Андрей Литвиненко",
                serves=[f"pipe:{main}"],
                power_mw=24,
            )
        )
        features.append(
            feature(
                {
                    "type": "LineString",
                    "coordinates": [list(where), moved(where, 250, 80), moved(where, 480, -60)],
                },
                kind="pipe",
                external_id=main,
                name_ru=f"Теплотрасса {main}",
                name_kk=f"{main} жылу трассасы",
                organisation="heat-network",
                serves=served,
                diameter_mm=400,
            )
        )
        for index, (east, north) in enumerate(((120, 40), (330, 30))):
            features.append(
                feature(
                    point(moved(where, east, north)),
                    kind="manhole",
                    external_id=f"TK-{external_id[2:]}-{index + 1}",
                    name_ru=f"Тепловая камера ТК-{external_id[2:]}-{index + 1}",
                    name_kk=f"ЖК-{external_id[2:]}-{index + 1} жылу камерасы",
                    organisation="heat-network",
                )
            )
    for external_id, ru, kk, where in SUBSTATIONS:
        served = sorted(
            key for key, at in houses if min(SUBSTATIONS, key=lambda s: metres(at, s[3]))[0] == external_id
        )
        features.append(
            feature(
                point(list(where)),
                kind="substation",
                external_id=external_id,
                name_ru=ru,
                name_kk=kk,
                organisation="power-grid",
                person="Данияр Утешев",
                serves=served,
                power_kva=630,
            )
        )
    # Street lights along Конституции Казахстана, fed by a cable from ТП-101.
    start = (69.1380, 54.8745)
    lights = [f"L-{n:02d}" for n in range(1, 21)]
    features.append(
        feature(
            {
                "type": "LineString",
                "coordinates": [list(SUBSTATIONS[0][3]), list(start), moved(start, 40 * 19, 0)],
            },
            kind="cable",
            external_id="KL-101-1",
            name_ru="Кабель освещения КЛ-101-1",
            name_kk="КЖ-101-1 жарық кабелі",
            organisation="power-grid",
            serves=[f"street_light:{light}" for light in lights],
        )
    )
    features.append(
        feature(
            point(list(SUBSTATIONS[0][3])),
            kind="well",
            external_id="VK-1",
            name_ru="Водопроводный колодец ВК-1",
            name_kk="ВҚ-1 су құбыры құдығы",
            organisation="water-utility",
            person="Марат Есмагамбетов",
        )
    )
    for index, light in enumerate(lights):
        features.append(
            feature(
                point(moved(start, 40 * index, 8)),
                kind="street_light",
                external_id=light,
                name_ru=f"Фонарь {light}",
                name_kk=f"{light} шамы",
                organisation="city-improvement",
            )
        )
    for index, (east, north) in enumerate(
        (
            (-300, 200),
            (400, -150),
            (150, 500),
            (-500, -300),
            (700, 300),
            (-150, -600),
            (900, -100),
            (300, 900),
            (-800, 100),
        )
    ):
        where = moved((69.1500, 54.8750), east, north)
        features.append(
            feature(
                point(where),
                kind="well",
                external_id=f"VK-{index + 2}",
                name_ru=f"Водопроводный колодец ВК-{index + 2}",
                name_kk=f"ВҚ-{index + 2} су құбыры құдығы",
                organisation="water-utility",
            )
        )
    roads = [
        (
            "R-konstitucii",
            "ул. Конституции Казахстана",
            "Қазақстан Конституциясы көшесі",
            (69.1380, 54.8742),
            1400,
        ),
        ("R-abaya", "ул. Абая", "Абай көшесі", (69.1530, 54.8700), 1000),
        ("R-mira", "ул. Мира", "Мир көшесі", (69.1560, 54.8595), 1500),
    ]
    for external_id, ru, kk, where, length in roads:
        features.append(
            feature(
                {"type": "LineString", "coordinates": [list(where), moved(where, length, 0)]},
                kind="road",
                external_id=external_id,
                name_ru=ru,
                name_kk=kk,
                organisation="city-improvement",
            )
        )
    for key, at in houses[::300]:
        company = "uk-bereke" if at[1] >= 54.875 else "osi-ortalyk"
        features.append(
            feature(
                rectangle(at, 15, 15, 60, 45),
                kind="yard",
                external_id=f"Y-{key}",
                name_ru=f"Двор дома {key}",
                name_kk=f"{key} үйінің ауласы",
                organisation=company,
            )
        )
    for f in features:
        assert inside.covers(shape(f["geometry"])), f["properties"]["external_id"]
    return features


VILLAGE = [
    ("ул. Абая", "Абай көшесі"),
    ("ул. Школьная", "Мектеп көшесі"),
    ("ул. Целинная", "Тың көшесі"),
    ("ул. Мира", "Бейбітшілік көшесі"),
]


def village(slug: str, centre: tuple[float, float]) -> list[dict]:
    """A village centre's buildings along four streets, a boiler house heating the first two
    streets, a substation for all, a well."""
    area = prep(boundary(slug))
    rows: list[dict] = []
    for index, (ru, kk) in enumerate(VILLAGE):
        for house in range(1, 9):
            where = moved(centre, -300 + house * 60, -150 + index * 100)
            rows.append(
                {
                    "kind": "building",
                    "external_id": f"{slug}-{index}-{house}",
                    "street_ru": ru,
                    "street_kk": kk,
                    "house": str(house),
                    "floors": 1 if house % 3 else 2,
                    "apartments": 1,
                    "year_built": 1960 + house * 5,
                    "organisation": "district-utility",
                    "at": where,
                }
            )
    heated = [row["external_id"] for row in rows if row["street_ru"] in ("ул. Абая", "ул. Школьная")]
    rows.append(
        {
            "kind": "boiler_house",
            "external_id": f"{slug}-K-1",
            "name_ru": "Котельная №1",
            "name_kk": "№1 қазандық",
            "organisation": "district-utility",
            "serves": heated,
            "at": moved(centre, -380, -100),
        }
    )
    rows.append(
        {
            "kind": "substation",
            "external_id": f"{slug}-TP-1",
            "name_ru": "ТП-1",
            "name_kk": "ҚС-1",
            "organisation": "district-utility",
            "serves": [row["external_id"] for row in rows if row["kind"] == "building"],
            "at": moved(centre, 250, 120),
        }
    )
    rows.append(
        {
            "kind": "well",
            "external_id": f"{slug}-VK-1",
            "name_ru": "Колодец ВК-1",
            "name_kk": "ВҚ-1 құдығы",
            "organisation": "district-utility",
            "at": moved(centre, 0, 200),
        }
    )
    for row in rows:
        assert area.contains(Point(row["at"])), row["external_id"]
    return rows


COLUMNS = [
    "kind",
    "external_id",
    "name_ru",
    "name_kk",
    "street_ru",
    "street_kk",
    "house",
    "floors",
    "apartments",
    "year_built",
    "organisation",
    "serves",
    "lon",
    "lat",
]


def main() -> None:
    network = {"type": "FeatureCollection", "features": petropavlovsk_network()}
    text = json.dumps(network, ensure_ascii=False, indent=1)
    (DATA / "petropavlovsk-network.geojson").write_text(text + "\n", encoding="utf-8")
    # Kyzylzhar: CSV with lon and lat, "serves" split by ";" (Бесколь, the district's centre).
    with (DATA / "kyzylzhar.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        for row in village("kyzylzhar", (69.0850, 54.8000)):
            lon, lat = row.pop("at")
            writer.writerow(row | {"serves": ";".join(row.get("serves", [])), "lon": lon, "lat": lat})
    # Esil: GeoJSON (Явленка, the district's centre).
    features = []
    for row in village("esil", (68.4490, 54.3480)):
        features.append(feature(point(row.pop("at")), **row))
    document = {"type": "FeatureCollection", "features": features}
    (DATA / "esil.geojson").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
