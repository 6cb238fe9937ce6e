"""A routing area's name is what a supervisor typed: on the routing map's tooltip (another rule's
dashed area) it is shown as text, never read as markup (walk 10: an image and a live link to
another site were drawn in it)."""

from __future__ import annotations

import json
import uuid

import pytest
from django_tenants.utils import schema_context

from accounts.roles import Role
from appeals.catalogue.routing import RoutingInput, create_rule, delete_rule
from testkit.browser import host_url
from testkit.identities import principal
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import own_organisation, own_spot

SLUG = "petropavlovsk"


def square(spot: tuple[float, float], half: float = 0.003) -> str:
    lon, lat = spot
    ring = [[lon + dx * half, lat + dy * half] for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


@pytest.mark.browser
def test_an_areas_name_is_shown_as_text_in_the_maps_tooltip(browser, committed_db, onboarded, person):
    mark = uuid.uuid4().hex[:6]
    name = f'<img src="/static/leaflet/images/marker-icon.png"><b>ЦЕНТР {mark}</b><a href="https://evil.example/">войти</a>'
    spot = own_spot(onboarded[SLUG])
    manager = principal(Role.SUPERVISOR, name="routing-names", tenant=SLUG)
    with schema_context(SLUG):
        organisation = own_organisation(SLUG)
        rule = create_rule(manager, RoutingInput("snow", organisation, area_name=name, area=square(spot)))
    try:
        page = sign_in(browser, person(Role.SUPERVISOR))
        page.goto(host_url(SLUG, "/console/settings/routing/"))
        page.wait_for_selector("#routing-map .leaflet-overlay-pane path")
        # The mouse over the middle of the test's own area.
        x, y = page.evaluate(
            "([lat, lng]) => { const map = document.getElementById('routing-map').areaMap;"
            " map.setView([lat, lng], 15, { animate: false });"
            " const p = map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
            [spot[1], spot[0]],
        )
        box = page.locator("#routing-map").bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        tooltip = page.locator(f'.leaflet-tooltip:has-text("{mark}")')
        tooltip.wait_for()
        assert name in tooltip.inner_text()  # the typed text itself, tags and all
        assert tooltip.locator("img, a, b").count() == 0
        page.context.close()
    finally:
        with schema_context(SLUG):
            delete_rule(manager, rule.pk)
