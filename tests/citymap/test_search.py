"""Address search in Kazakh and Russian: typos, Kazakh letters typed as their Russian look-alikes,
house numbers in every form people write them; reverse lookup from a pin."""

from __future__ import annotations

import pytest

from citymap.search.addresses import search_addresses
from citymap.search.nearest import nearest_objects
from citymap.search.normalise import read_address
from testkit.graphql import data_of, gql, refusal
from testkit.queries import exact_queries
from tests.citymap.city import offset


@pytest.mark.parametrize(
    "typed",
    [
        "Абая 12а",
        "ул. Абая, д. 12 А",
        "улица Абая дом 12А",
        "Абая 12-а",
        "абая д12а",
        "Абай көшесі, 12а",
        "Абай көшесі, 12а үй",
        "г. Петропавловск, ул. Абая, 12а, кв. 40",
        "Aбая 12a",  # Latin a's typed among Cyrillic letters
    ],
)
def test_house_number_forms_are_the_same_house(typed):
    assert read(typed) in (("абая", "12а"), ("абаи", "12а"))


def read(text: str) -> tuple[str, str]:
    address = read_address(text, place_names=frozenset({"петропавловск"}))
    return address.street, address.house


def test_other_house_forms():
    assert read_address("пр. Жамбыла 12/1").house == "12/1"
    assert read("Жамбыла 12 корпус 2") == read("Жамбыла, 12к2") == ("жамбыла", "12к2")
    assert read("ул. 8 Марта") == ("8 марта", "")  # a street's own number is not a house
    assert read("ул. 8 Марта, 5") == ("8 марта", "5")
    assert read("Қазақстан Конституциясы көшесі, 33 үй") == ("казакстан конституциясы", "33")
    assert read_address("пер. Абая 5").street_type == read_address("Абай тұйық көшесі 5").street_type == "пер"
    assert read_address("Абая 5").street_type == ""


def top(text, n=1):
    return [(m.kind, m.external_id) for m in search_addresses(text)[:n]]


@pytest.mark.parametrize(
    "typed",
    ["Абая 12а", "ул. Абая, д. 12 А", "Абай көшесі 12а", "абай 12 а", "Обая 12а", "Абяа 12а", "Абая, 12 А"],
)
def test_the_house_is_found_however_typed(city, typed):
    assert top(typed) == [("building", "abaya-12а")]


def test_kazakh_letters_and_their_russian_look_alikes(city):
    # Typed on a Russian keyboard: ұ as у, қ as к.
    assert top("Жумабаев көшесі 5") == [("building", "zhumabaeva-5")]
    assert top("Жұмабаева 5") == [("building", "zhumabaeva-5")]
    assert top("Казакстан Конституциясы 13") == [("building", "konstitucii-13")]
    assert top("Конституции Казахстана 13") == [("building", "konstitucii-13")]


def test_typos_in_kazakh_and_russian(city):
    assert top("Жамбл 14") == [("building", "zhambyla-14")]  # a letter missing
    assert top("Жамбыль көшесі 14") == [("building", "zhambyla-14")]
    assert top("Канституции Казахстана 20") == [("building", "konstitucii-20")]
    assert top("Жумабаеа 2") == [("building", "zhumabaeva-2")]


def test_ranking_puts_the_house_then_its_neighbours(city):
    found = [m.external_id for m in search_addresses("Абая 12а", limit=6)]
    assert found[0] == "abaya-12а"
    assert set(found[1:3]) == {"abaya-12", "abaya-12б"}  # the same number, another letter
    assert set(found[3:5]) == {"abaya-11", "abaya-13"}  # the nearest numbers
    street = [m.external_id for m in search_addresses("Абая", limit=3)]
    assert street == ["abaya-1", "abaya-2", "abaya-5"]  # a street alone: its houses in order


def test_named_objects_are_found_by_name(city):
    assert top("котельная 2") == [("boiler_house", "K-2")]
    assert top("қазандық 2") == [("boiler_house", "K-2")]
    assert top("ТП-114") == [("substation", "TP-114")]


def test_nothing_like_it_finds_nothing(city):
    assert search_addresses("Зеленоградская 5") == []
    assert search_addresses("   ") == []


def test_search_is_one_query(city):
    with exact_queries(1):
        assert search_addresses("Абай 12а")


def test_reverse_lookup_from_a_pin(city):
    lon, lat = offset(-200 + 5 * 40 + 3, 2)  # three metres from Абая 12а (its index 5 on the street)
    nearest = nearest_objects(lon, lat, kinds=["building"], limit=3)
    assert nearest[0].external_id == "abaya-12а" and nearest[0].distance_m == pytest.approx(3.6, abs=0.5)
    assert nearest[0].distance_m <= nearest[1].distance_m <= nearest[2].distance_m
    anything = nearest_objects(*offset(-240, 100), limit=2)
    assert anything[0].external_id == "yard-abaya-1" and anything[0].distance_m == 0  # inside the yard
    with exact_queries(1):
        assert nearest_objects(*offset(-400, 152), kinds=["boiler_house"])[0].external_id == "K-2"
    assert nearest_objects(69.0, 54.5, within_m=200) == []


def test_reverse_lookup_is_by_metres_not_degrees(city, organisations):
    """A degree of longitude is 0.57 of a degree of latitude here: 80 m east is more degrees than
    100 m north, yet nearer."""
    from appeals.events import SYSTEM
    from citymap.imports.service import import_city_objects
    from tests.citymap.city import building, geojson, point

    east = building("abaya", "1", external_id="east") | {"geometry": point(2080, 3000)}
    north = building("abaya", "1", external_id="north") | {"geometry": point(2000, 3100)}
    assert import_city_objects(SYSTEM, geojson([north, east]), filename="x.geojson").imported
    nearest = nearest_objects(*offset(2000, 3000), kinds=["building"], limit=2)
    assert [n.external_id for n in nearest] == ["east", "north"]
    assert [round(n.distance_m) for n in nearest] == [80, 100]


SEARCH = """query($text: String!) { addressSearch(text: $text, limit: 3) { id kind externalId labelKk labelRu house point { longitude latitude } score } }"""
NEAREST = """query($location: GeoPointInput!) { nearestObjects(location: $location, kinds: [BUILDING], limit: 1) { externalId labelRu distanceM } }"""


def test_citizens_search_without_signing_in(city, anonymous_client):
    found = data_of(gql(anonymous_client, SEARCH, {"text": "Абай көшесі, 12 А"}))["addressSearch"]
    assert found[0]["externalId"] == "abaya-12а" and found[0]["labelKk"] == "Абай көшесі, 12а"
    assert found[0]["labelRu"] == "ул. Абая, 12а" and found[0]["kind"] == "BUILDING"
    lon, lat = offset(-200 + 5 * 40, 1)
    near = data_of(gql(anonymous_client, NEAREST, {"location": {"longitude": lon, "latitude": lat}}))
    assert near["nearestObjects"][0]["externalId"] == "abaya-12а"


@pytest.mark.parametrize(
    ("query", "variables", "code", "field"),
    [
        (
            "query($t: String!, $l: Int) { addressSearch(text: $t, limit: $l) { id } }",
            {"t": "Абая", "l": 0},
            "invalid_limit",
            "limit",
        ),
        (
            "query($t: String!, $l: Int) { addressSearch(text: $t, limit: $l) { id } }",
            {"t": "Абая", "l": 51},
            "invalid_limit",
            "limit",
        ),
        ("query($t: String!) { addressSearch(text: $t) { id } }", {"t": "Абая " * 41}, "too_long", "text"),
        (
            "query($p: GeoPointInput!, $l: Int) { nearestObjects(location: $p, limit: $l) { labelRu } }",
            {"l": 21},
            "invalid_limit",
            "limit",
        ),
        (
            "query($p: GeoPointInput!, $w: Float) { nearestObjects(location: $p, withinM: $w) { labelRu } }",
            {"w": 1e8},
            "out_of_range",
            "withinM",
        ),
        (
            "query($p: GeoPointInput!, $w: Float) { nearestObjects(location: $p, withinM: $w) { labelRu } }",
            {"w": 0.5},
            "out_of_range",
            "withinM",
        ),
    ],
)
def test_numbers_outside_their_range_are_refused_not_moved_into_it(
    city, anonymous_client, query, variables, code, field
):
    lon, lat = offset(0, 0)
    variables = variables | ({"p": {"longitude": lon, "latitude": lat}} if "$p" in query else {})
    refusal(gql(anonymous_client, query, variables), code, field)


def test_a_lane_is_not_the_street_of_the_same_name(organisations):
    from appeals.events import SYSTEM
    from citymap.imports.service import import_city_objects
    from tests.citymap.city import building, geojson

    lane = building("abaya", "5", external_id="lane-5", street_ru="пер. Абая", street_kk="Абай тұйық көшесі")
    street = building("abaya", "5", external_id="street-5")
    street["geometry"] = lane["geometry"] | {"coordinates": [69.15, 54.88]}
    assert import_city_objects(SYSTEM, geojson([lane, street]), filename="x.geojson").imported
    assert top("пер. Абая 5") == [("building", "lane-5")]
    assert top("переулок Абая, д. 5") == [("building", "lane-5")]
    assert top("ул. Абая 5") == [("building", "street-5")]
    assert {m.external_id for m in search_addresses("Абая 5")[:2]} == {"lane-5", "street-5"}
