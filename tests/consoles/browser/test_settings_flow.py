"""A supervisor in a real browser (Esil's): changes the SLA hours of a category of the test's own
(a wrong value first, refused in the screen's language), draws a routing area on the akimat's map
with Leaflet.draw, and the next appeal taken in through intake follows both (deadline and
organisation), although this process had the old SLA cached. Once in Kazakh, once in Russian;
screenshots of every settings page in both languages. What the supervisor made is taken back
through the logged edits, found by who made it."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.gis.geos import Polygon
from django_tenants.utils import schema_context

from accounts.keycloak_admin import master_admin
from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.catalogue.cache import active_category
from appeals.catalogue.calendar import delete_exception
from appeals.catalogue.categories import CategoryInput, create_category, update_category
from appeals.catalogue.exchange import revoke_exchange_secret
from appeals.catalogue.routing import delete_rule
from appeals.models import (
    Appeal,
    CalendarException,
    CatalogueChange,
    Category,
    ExchangeCredential,
    RoutingRule,
)
from appeals.models.changes import ChangeAction, ChangeSubject
from testkit.browser import PHONE, host_url, screenshot, too_wide
from testkit.identities import principal
from tests.consoles.browser.conftest import sign_in

SLUG = "esil"
WORDS = {
    "kk": {"save": "Сақтау", "number": "Бүтін сан енгізіңіз", "draw": "Аумақ сызу"},
    "ru": {"save": "Сохранить", "number": "Введите целое число", "draw": "Нарисовать участок"},
}
HOURS = {"kk": 11, "ru": 13}
# Each language loads a year of its own: neither run's cleanup removes rows the other looks at.
YEAR = {"kk": (2027, "2027-05-10"), "ru": (2026, "2026-03-09")}


def own_category(language: str) -> tuple[str, str]:
    """A category of the test's own under housing (24 h round the clock); (code, its name on screen)."""
    code = f"test-{uuid.uuid4().hex[:8]}"
    names = {"kk": f"Сынақ санаты {code[-4:]}", "ru": f"Тестовая категория {code[-4:]}"}
    creator = principal(Role.SUPERVISOR, name="browser-test-setup", tenant=SLUG)
    data = CategoryInput(
        name_kk=names["kk"],
        name_ru=names["ru"],
        sla_hours=24,
        sla_calendar="round_the_clock",
        parent="housing",
    )
    with schema_context(SLUG):
        create_category(creator, code, data)
    return code, names[language]


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
    browser, committed_db, onboarded, person, language
):
    words, hours, (year, moved_day) = WORDS[language], HOURS[language], YEAR[language]
    tenant = onboarded[SLUG]
    centre, corners = area_around(tenant)
    area_name = f"Орталық {language} {uuid.uuid4().hex[:4]}"
    code, name = own_category(language)
    with schema_context(SLUG):
        assert active_category(code).sla_hours == 24  # this process caches it now
    username = person(Role.SUPERVISOR, SLUG)
    page = sign_in(browser, username, SLUG, language=language)
    try:
        page.goto(host_url(SLUG, "/console/settings/categories/"))
        screenshot(page, f"settings-categories-{language}")
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(f"**/console/settings/categories/{code}/")

        page.fill("#id_sla_hours", "он бір")
        page.get_by_role("button", name=words["save"]).click()
        assert page.locator("#id_sla_hours-error").inner_text() == words["number"]
        assert page.input_value("#id_sla_hours") == "он бір"  # nothing typed is lost
        screenshot(page, f"settings-category-error-{language}")
        page.fill("#id_sla_hours", str(hours))
        page.get_by_role("button", name=words["save"]).click()
        page.wait_for_url("**/console/settings/categories/")
        cell = page.locator(f'tr[data-category="{code}"] td[data-field="sla_hours"]')
        assert cell.inner_text() == str(hours)

        page.goto(host_url(SLUG, "/console/settings/routing/new"))
        page.select_option("#id_category", code)
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
                category_code=code,
            )
            number = actions.create_appeal(operator, data).appeal.number
            actions.register_appeal(operator, number, assign=True)
            appeal = Appeal.objects.select_related("organisation").get(number=number)
            assert appeal.deadline - appeal.received_at == datetime.timedelta(hours=hours)
            assert appeal.organisation.code == "akimat-office"

        for path, page_name in (
            ("/console/settings/organisations/", "organisations"),
            ("/console/settings/organisations/akimat-office/", "organisation"),
            ("/console/settings/changes/", "changes"),
        ):
            page.goto(host_url(SLUG, path))
            screenshot(page, f"settings-{page_name}-{language}")
        log = page.locator("table.changes").inner_text()
        assert area_name in log and str(hours) in log

        page.goto(host_url(SLUG, "/console/settings/calendar/"))
        page.locator(f'button[data-year="{year}"]').click()
        page.wait_for_url("**/console/settings/calendar/")
        assert page.locator(f'tr[data-date="{moved_day}"]').count() == 1
        screenshot(page, f"settings-calendar-{language}")

        page.goto(host_url(SLUG, "/console/settings/exchange/"))
        page.locator('form[action$="/rotate"] button').click()
        secret = page.input_value("#new-secret")
        assert len(secret) >= 32
        screenshot(page, f"settings-exchange-{language}")
        page.goto(host_url(SLUG, "/console/settings/exchange/"))
        assert secret not in page.content() and secret[-4:] in page.content()

        page.set_viewport_size(PHONE)
        page.goto(host_url(SLUG, f"/console/settings/categories/{code}/"))
        assert too_wide(page) == []  # nothing makes the phone scroll sideways
        screenshot(page, f"settings-category-phone-{language}")
        for path in ("/console/settings/exchange/", "/console/settings/city-map/"):
            page.goto(host_url(SLUG, path))  # the exchange's address, the map file's columns
            if path.endswith("city-map/"):
                page.locator("#map-format summary").click()
            assert too_wide(page) == [], path
    finally:
        page.context.close()
        undo(code, area_name, master_admin().get_user_id(username))


def undo(code: str, area_name: str, subject: str) -> None:
    """Take back what this test's supervisor (Keycloak subject `subject`) made, through the same
    logged edits: the category switched off, its area, the days and the secrets they added."""
    cleaner = principal(Role.SUPERVISOR, name="browser-test-cleanup", tenant=SLUG)
    with schema_context(SLUG):
        category = Category.objects.select_related("parent").get(code=code)
        fields = {
            name: getattr(category, name) for name in CategoryInput.__dataclass_fields__ if name != "parent"
        }
        update_category(cleaner, code, CategoryInput(**(fields | {"is_active": False, "parent": "housing"})))
        for rule in RoutingRule.objects.filter(area_name=area_name):
            delete_rule(cleaner, rule.pk)
        added = CatalogueChange.objects.filter(actor_subject=subject, action=ChangeAction.CREATED)
        days = added.filter(subject=ChangeSubject.CALENDAR_EXCEPTION).values_list("object_id", flat=True)
        for exception in CalendarException.objects.filter(pk__in=list(days)):
            delete_exception(cleaner, exception.pk)
        secrets = added.filter(subject=ChangeSubject.EXCHANGE_SECRET).values_list("object_id", flat=True)
        for credential in ExchangeCredential.objects.filter(pk__in=list(secrets), is_active=True):
            revoke_exchange_secret(cleaner, credential.pk)
