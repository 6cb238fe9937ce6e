"""Settings, routing: an area drawn on the map (GeoJSON from Leaflet.draw) becomes a PostGIS
polygon that routes the next appeal inside it; areas outside the akimat's boundary, broken
shapes and a second default are refused on their field; every change is logged."""

from __future__ import annotations

import json

import pytest

from appeals.models import CatalogueChange, RoutingRule
from tests.appeals.conftest import CENTRE, appeal_in
from tests.consoles.settings.conftest import client_of

pytestmark = pytest.mark.usefixtures("inside")


def square(lon: float, lat: float, half: float = 0.005) -> str:
    """A drawn square as Leaflet.draw's FeatureCollection gives it."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    polygon = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": polygon}]})


def routed(location: tuple[float, float] = CENTRE) -> str:
    """The organisation the next heating appeal at `location` is assigned to by routing."""
    return appeal_in("assigned", category="heating", location=location).organisation.code


def rule_form(**changes: str) -> dict[str, str]:
    return {
        "category": "heating",
        "organisation": "akimat-office",
        "area_name": "Центр",
        "area": square(*CENTRE),
    } | changes


def test_an_area_drawn_inside_the_boundary_routes_the_next_appeal(supervisor):
    assert routed() == "housing-department"
    answer = supervisor.post("/console/settings/routing/new", rule_form())
    assert answer.status_code == 302 and answer["Location"] == "/console/settings/routing/"

    rule = RoutingRule.objects.get(area_name="Центр")
    assert rule.area.geom_type == "MultiPolygon" and rule.area.srid == 4326
    assert routed() == "akimat-office"
    elsewhere = routed(location=(CENTRE[0] + 0.03, CENTRE[1]))
    assert elsewhere == "housing-department"  # outside the area: the default

    change = CatalogueChange.objects.get()
    assert (change.subject, change.action) == ("routing_rule", "created")
    assert change.object_key == "heating: Центр → akimat-office"
    assert change.after["area"]["type"] == "MultiPolygon" and change.after["organisation"] == "akimat-office"


def test_the_routing_page_draws_the_boundary_and_the_areas_from_our_own_data(supervisor):
    supervisor.post("/console/settings/routing/new", rule_form())
    text = supervisor.get("/console/settings/routing/").content.decode()
    assert "leaflet/leaflet.js" in text and "consoles/area-map.js" in text
    assert "tile" not in text.lower() and "https://" not in text  # nothing from the internet
    assert '<script id="boundary-data" type="application/json">{"type": "MultiPolygon"' in text
    assert "Центр" in text
    edit = supervisor.get(f"/console/settings/routing/{RoutingRule.objects.get(area_name='Центр').pk}/")
    assert "leaflet/draw/leaflet.draw.js" in edit.content.decode()


def test_an_area_named_in_both_languages_shows_the_screens_half(supervisor):
    named = rule_form(area_name="Север / Солтүстік")
    assert supervisor.post("/console/settings/routing/new", named).status_code == 302
    russian = supervisor.get("/console/settings/routing/").content.decode()
    assert "<td>Север</td>" in russian and "Солтүстік" not in russian
    kazakh = client_of("supervisor", "kk", name="sup-kk").get("/console/settings/routing/").content.decode()
    assert "<td>Солтүстік</td>" in kazakh and "Север" not in kazakh


@pytest.mark.parametrize(
    ("area", "code_kk", "code_ru"),
    [
        (square(70.9, 53.2), "Аумақ әкімдік шекарасынан шығып тұр", "Область выходит за границу акимата"),
        (
            square(*CENTRE, half=1.0),
            "Аумақ әкімдік шекарасынан шығып тұр",
            "Область выходит за границу акимата",
        ),
        ('{"type": "Point", "coordinates": [69.1, 54.8]}', "Аумақ көпбұрыш емес", "многоугольником"),
        ("not json", "Аумақ көпбұрыш емес", "многоугольником"),
    ],
)
def test_an_area_outside_the_boundary_or_not_a_polygon_is_refused_in_the_screens_language(
    inside, area, code_kk, code_ru
):
    client = client_of("supervisor", "kk", name="sup-kk")
    answer = client.post("/console/settings/routing/new", rule_form(area=area))
    text = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="id_area-error"' in text and code_kk in text and code_ru not in text
    assert 'value="Центр"' in text  # the rest of the form is kept
    assert not RoutingRule.objects.filter(area_name="Центр").exists()


def test_a_self_crossing_area_is_refused(supervisor):
    lon, lat = CENTRE
    bow = {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + 0.01, lat + 0.01], [lon + 0.01, lat], [lon, lat + 0.01], [lon, lat]]
        ],
    }
    answer = supervisor.post("/console/settings/routing/new", rule_form(area=json.dumps(bow)))
    assert answer.status_code == 400 and "Границы области пересекают сами себя" in answer.content.decode()


def test_a_second_default_and_a_missing_name_or_organisation_are_refused(supervisor):
    second_default = supervisor.post(
        "/console/settings/routing/new", rule_form(category="housing", area="", area_name="")
    )
    assert second_default.status_code == 400
    assert "У категории уже есть правило по умолчанию" in second_default.content.decode()
    nameless = supervisor.post("/console/settings/routing/new", rule_form(area_name="", organisation=""))
    text = nameless.content.decode()
    assert 'id="id_area_name-error"' in text and 'id="id_organisation-error"' in text


def test_an_area_is_redrawn_and_deleted_with_both_logged(supervisor):
    supervisor.post("/console/settings/routing/new", rule_form())
    rule = RoutingRule.objects.get(area_name="Центр")
    moved = supervisor.post(
        f"/console/settings/routing/{rule.pk}/", rule_form(area=square(CENTRE[0] + 0.02, CENTRE[1]))
    )
    assert moved.status_code == 302
    assert routed() == "housing-department"
    assert routed(location=(CENTRE[0] + 0.02, CENTRE[1])) == "akimat-office"
    assert supervisor.post(f"/console/settings/routing/{rule.pk}/delete").status_code == 302
    assert not RoutingRule.objects.filter(pk=rule.pk).exists()
    actions = list(CatalogueChange.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["created", "updated", "deleted"]
    updated = CatalogueChange.objects.get(action="updated")
    assert set(updated.before) == {"area"}  # only what changed
    assert supervisor.post(f"/console/settings/routing/{rule.pk}/delete").status_code == 404
