"""Hotspots: appeal density per category and period as vector tiles made by PostGIS (decoded here
with mapbox-vector-tile), and the map objects ranked by their appeals."""

from __future__ import annotations

import datetime
import math

import mapbox_vector_tile
import pytest
from django.utils import timezone

from appeals.models import Appeal
from citymap.hotspots.period import question
from citymap.hotspots.ranking import ranked_objects
from citymap.hotspots.tiles import hotspot_tile, tile_bounds
from citymap.links.actions import link_appeal_to_object
from testkit.graphql import data_of, gql, refusal
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import intake
from tests.citymap.city import CENTRE, offset
from tests.citymap.conftest import OPERATOR

Z = 15


def tile_of(lon: float, lat: float, z: int = Z) -> tuple[int, int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def features(tile: bytes) -> list[dict]:
    return mapbox_vector_tile.decode(tile)["hotspots"]["features"] if tile else []


@pytest.fixture
def appeals(petropavlovsk):
    """A cluster of heating appeals at one place, water ones at another, and an old one."""
    made = {
        "heating": [
            intake(category="heating", phone=f"+7705200{i:04d}", location=offset(20, 20)) for i in range(5)
        ],
        "water": [
            intake(category="cold-water", phone=f"+7705300{i:04d}", location=offset(120, 60))
            for i in range(3)
        ],
        "old": [intake(category="heating", phone="+77054000001", location=offset(20, 20))],
    }
    Appeal.objects.filter(pk=made["old"][0].pk).update(
        received_at=timezone.now() - datetime.timedelta(days=60)
    )
    return made


def test_a_tile_counts_the_appeals_under_it(appeals):
    z, x, y = tile_of(*offset(20, 20))
    west, south, east, north = tile_bounds(z, x, y)
    assert west <= offset(20, 20)[0] <= east and south <= offset(20, 20)[1] <= north
    with exact_queries(4) as captured:  # in the test's transaction: a savepoint, JIT off, the tile, release
        tile = hotspot_tile(z, x, y, question())
    assert captured.captured_queries[1]["sql"] == "SET LOCAL jit = off"
    cells = features(tile)
    assert sum(c["properties"]["count"] for c in cells) == 8  # the old one is outside the 30 days
    assert sum(c["properties"]["open"] for c in cells) == 8
    assert max(c["properties"]["count"] for c in cells) == 5  # the heating cluster is one cell
    for cell in cells:
        px, py = cell["geometry"]["coordinates"]
        assert 0 <= px <= 4096 and 0 <= py <= 4096


def test_by_category_and_period(appeals):
    z, x, y = tile_of(*offset(20, 20))
    heating = features(hotspot_tile(z, x, y, question("heating")))
    assert [c["properties"]["count"] for c in heating] == [5]
    housing = features(hotspot_tile(z, x, y, question("housing")))  # a group counts its sub-categories
    assert sum(c["properties"]["count"] for c in housing) == 8
    now = timezone.now()
    long_ago = question("heating", now - datetime.timedelta(days=90), now - datetime.timedelta(days=30))
    assert [c["properties"]["count"] for c in features(hotspot_tile(z, x, y, long_ago))] == [1]


def test_a_tile_far_away_is_empty(appeals):
    assert hotspot_tile(*tile_of(71.43, 51.13), question()) == b""  # Astana


def test_the_tile_endpoint(appeals, petropavlovsk):
    z, x, y = tile_of(*CENTRE)
    supervisor = logged_in(user_with_roles("map-supervisor", "supervisor"))
    response = supervisor.get(f"/map/hotspots/{z}/{x}/{y}.mvt", {"category": "heating"})
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert sum(c["properties"]["count"] for c in features(response.content)) == 5
    assert supervisor.get("/map/hotspots/10/0/0.mvt").status_code == 204
    assert supervisor.get(f"/map/hotspots/{z}/{2**z}/{y}.mvt").status_code == 404
    bad = supervisor.get(f"/map/hotspots/{z}/{x}/{y}.mvt", {"category": "nope"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "not_found"
    bad = supervisor.get(f"/map/hotspots/{z}/{x}/{y}.mvt", {"since": "вчера"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "since"
    assert "дата" in bad.json()["errors"][0]["message"]
    since = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    response = supervisor.get(f"/map/hotspots/{z}/{x}/{y}.mvt", {"since": since, "category": "heating"})
    assert sum(c["properties"]["count"] for c in features(response.content)) == 6
    operator = logged_in(user_with_roles("map-operator", "operator"))
    assert operator.get(f"/map/hotspots/{z}/{x}/{y}.mvt").status_code == 403
    from django.test import Client

    assert (
        Client(HTTP_HOST="petropavlovsk.localhost").get(f"/map/hotspots/{z}/{x}/{y}.mvt").status_code == 401
    )


def test_objects_ranked_by_their_appeals(city, appeals):
    for appeal in appeals["heating"][:3] + appeals["old"]:
        link_appeal_to_object(OPERATOR, appeal.number, city["building:abaya-1"].pk)
    for appeal in appeals["heating"][3:] + appeals["water"][:1]:
        link_appeal_to_object(OPERATOR, appeal.number, city["building:abaya-2"].pk)
    with exact_queries(2):
        ranked = ranked_objects(question())
    assert [(r.map_object.external_id, r.appeals, r.open) for r in ranked] == [
        ("abaya-1", 3, 3),
        ("abaya-2", 3, 3),
    ]
    water = ranked_objects(question("cold-water"))
    assert [(r.map_object.external_id, r.appeals) for r in water] == [("abaya-2", 1)]


RANKED = """query($category: String) { hotspotObjects(category: $category, limit: 5) { appeals open overdue repeats mapObject { key addressRu } } }"""


def test_the_ranking_over_graphql_is_for_those_who_read_reports(
    city, appeals, supervisor_client, operator_client
):
    link_appeal_to_object(OPERATOR, appeals["heating"][0].number, city["building:abaya-12а"].pk)
    ranked = data_of(gql(supervisor_client, RANKED, {"category": "heating"}))["hotspotObjects"]
    assert ranked == [
        {
            "appeals": 1,
            "open": 1,
            "overdue": 0,
            "repeats": 0,
            "mapObject": {"key": "building:abaya-12а", "addressRu": "ул. Абая, 12а"},
        }
    ]
    refusal(gql(operator_client, RANKED, {}), "forbidden")
    refusal(gql(supervisor_client, RANKED, {"category": "nope"}), "not_found", "category")
