"""A supervisor in a real browser (Esil's, so the server tests' Petropavlovsk stays untouched):
changes a category's SLA hours (a wrong value first, refused in the screen's language), draws a
routing area on the akimat's map with Leaflet.draw, and the next appeal taken in through intake
follows both (deadline and organisation), although this process had the old SLA cached. Once in
Kazakh, once in Russian; screenshots of every settings page in both languages."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.gis.geos import Polygon
from django_tenants.utils import schema_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.catalogue.cache import active_category
from appeals.catalogue.calendar import delete_exception
from appeals.catalogue.categories import CategoryInput, update_category
from appeals.catalogue.exchange import revoke_exchange_secret
from appeals.catalogue.routing import delete_rule
from appeals.models import Appeal, CalendarException, Category, ExchangeCredential, RoutingRule
from testkit.browser import PHONE, host_url, screenshot
from testkit.identities import principal
from tests.consoles.browser.conftest import sign_in

# The elements wider than the screen (their tag and class), for a message that says which.
TOO_WIDE = (
    "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
    " > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className)"
)

SLUG = "esil"
WORDS = {
    "kk": {
        "heating": "Жылумен жабдықтау",
        "save": "Сақтау",
        "number": "Бүтін сан енгізіңіз",
        "draw": "Аумақ сызу",
    },
    "ru": {
        "heating": "Отопление",
        "save": "Сохранить",
        "number": "Введите целое число",
        "draw": "Нарисовать участок",
    },
}
HOURS = {"kk": 11, "ru": 13}


def area_around(tenant: object) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """A point well inside the akimat and the corners (lon, lat) of a small square around it."""
    centre = tenant.boundary.point_on_surface
    half = 0.01
    corners = [
        (centre.x - half, centre.y - half),
        (centre.x + half, centre.y - half),
        (centre.x + half, centre.y + half),
        (centre.x - half, centre.y + half),
    ]
    assert tenant.boundary.covers(Polygon([*corners, corners[0]], srid=4326))
    return (centre.x, centre.y), corners


def click_on_map(page: object, lon: float, lat: float) -> None:
    x, y = page.evaluate(
        "([lat, lng]) => { const map = document.getElementById('rule-map').areaMap;"
        " const p = map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [lat, lon],
    )
    box = page.locator("#rule-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(150)  # Leaflet.draw tells a click from a double click by time


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_supervisor_changes_an_sla_and_an_area_and_the_next_appeal_follows(
    browser, committed_db, onboarded, language
):
    words, hours = WORDS[language], HOURS[language]
    tenant = onboarded[SLUG]
    centre, corners = area_around(tenant)
    area_name = f"Орталық {language} {uuid.uuid4().hex[:4]}"
    with schema_context(SLUG):
        original_hours = Category.objects.get(code="heating").sla_hours
        assert active_category("heating").sla_hours == original_hours  # this process caches it now
        known_credentials = set(ExchangeCredential.objects.values_list("pk", flat=True))
        known_exceptions = set(CalendarException.objects.values_list("pk", flat=True))
    page = sign_in(browser, f"supervisor.{SLUG}", SLUG, language=language)
    try:
        page.goto(host_url(SLUG, "/console/settings/categories/"))
        screenshot(page, f"settings-categories-{language}")
        page.get_by_role("link", name=words["heating"], exact=True).click()
        page.wait_for_url("**/console/settings/categories/heating/")

        page.fill("#id_sla_hours", "он бір")
        page.get_by_role("button", name=words["save"]).click()
        assert page.locator("#id_sla_hours-error").inner_text() == words["number"]
        assert page.input_value("#id_sla_hours") == "он бір"  # nothing typed is lost
        screenshot(page, f"settings-category-error-{language}")
        page.fill("#id_sla_hours", str(hours))
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_url("**/console/settings/categories/")
        assert page.locator('tr[data-category="heating"] td[data-field="sla_hours"]').inner_text() == str(
            hours
        )

        page.goto(host_url(SLUG, "/console/settings/routing/new"))
        page.select_option("#id_category", "heating")
        page.select_option("#id_organisation", "akimat-office")
        page.fill("#id_area_name", area_name)
        page.evaluate(
            "([lat, lng]) => document.getElementById('rule-map').areaMap.setView([lat, lng], 13)",
            [centre[1], centre[0]],
        )
        page.get_by_title(words["draw"]).click()
        for lon, lat in [*corners, corners[0]]:  # the first corner again closes the area
            click_on_map(page, lon, lat)
        assert '"MultiPolygon"' in page.input_value("#id_area")
        page.evaluate(  # the whole district with the new area, for the picture
            "([lat, lng]) => document.getElementById('rule-map').areaMap"
            ".setView([lat, lng], 10, {animate: false})",
            [centre[1], centre[0]],
        )
        page.wait_for_timeout(300)
        screenshot(page, f"settings-routing-rule-{language}")
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_url("**/console/settings/routing/")
        assert area_name in page.locator("table.rows").inner_text()
        screenshot(page, f"settings-routing-{language}")

        # The next appeal, taken in through intake here: a process that had the old SLA cached.
        with schema_context(SLUG):
            operator = principal(Role.OPERATOR, name="operator", tenant=SLUG)
            data = AppealInput(
                channel="landline",
                description="Батареялар суық / Холодные батареи",
                applicant_phone="+77051234567",
                longitude=centre[0],
                latitude=centre[1],
                category_code="heating",
            )
            number = actions.create_appeal(operator, data).appeal.number
            actions.register_appeal(operator, number, assign=True)
            appeal = Appeal.objects.select_related("organisation").get(number=number)
            assert appeal.deadline - appeal.received_at == datetime.timedelta(hours=hours)
            assert appeal.organisation.code == "akimat-office"

        for path, name in (
            ("/console/settings/organisations/", "organisations"),
            ("/console/settings/organisations/akimat-office/", "organisation"),
            ("/console/settings/changes/", "changes"),
        ):
            page.goto(host_url(SLUG, path))
            screenshot(page, f"settings-{name}-{language}")
        log = page.locator("table.changes").inner_text()
        assert area_name in log and str(hours) in log

        page.goto(host_url(SLUG, "/console/settings/calendar/"))
        page.locator('button[data-year="2027"]').click()
        page.wait_for_url("**/console/settings/calendar/")
        assert page.locator('tr[data-date="2027-05-10"]').count() == 1
        screenshot(page, f"settings-calendar-{language}")

        page.goto(host_url(SLUG, "/console/settings/exchange/"))
        page.locator('form[action$="/rotate"] button').click()
        secret = page.input_value("#new-secret")
        assert len(secret) >= 32
        screenshot(page, f"settings-exchange-{language}")
        page.goto(host_url(SLUG, "/console/settings/exchange/"))
        assert secret not in page.content() and secret[-4:] in page.content()

        page.set_viewport_size(PHONE)
        page.goto(host_url(SLUG, "/console/settings/categories/heating/"))
        assert page.evaluate(TOO_WIDE) == []  # nothing makes the phone scroll sideways
        screenshot(page, f"settings-category-phone-{language}")
    finally:
        page.context.close()
        restore(original_hours, area_name, known_exceptions, known_credentials)


def restore(hours: int, area_name: str, exceptions: set[int], credentials: set[int]) -> None:
    """Leave Esil's settings as the rest of the run expects them, through the same logged edits."""
    cleaner = principal(Role.SUPERVISOR, name="browser-test-cleanup", tenant=SLUG)
    with schema_context(SLUG):
        heating = Category.objects.select_related("parent").get(code="heating")
        if heating.sla_hours != hours:
            fields = {
                name: getattr(heating, name)
                for name in CategoryInput.__dataclass_fields__
                if name != "parent"
            }
            update_category(
                cleaner, "heating", CategoryInput(**(fields | {"sla_hours": hours, "parent": "housing"}))
            )
        for rule in RoutingRule.objects.filter(area_name=area_name):
            delete_rule(cleaner, rule.pk)
        for exception in CalendarException.objects.exclude(pk__in=exceptions):
            delete_exception(cleaner, exception.pk)
        for credential in ExchangeCredential.objects.exclude(pk__in=credentials).filter(is_active=True):
            revoke_exchange_secret(cleaner, credential.pk)
