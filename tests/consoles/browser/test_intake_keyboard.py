"""The intake form from the keyboard alone, as a screen-reader user works it: the page opens on the
phone; in the address and category boxes Enter never sends the form (it picks the highlighted or
first result, else does nothing), the arrows walk the results, Escape closes them; picking an
address moves on to the category; Enter on the map puts the pin at its centre and says so; the
zoom buttons speak the screen's language; the focus ring stands out. Then refused forms put the
keyboard on the refused field: a step of the appeal page, and the call-back's fieldset of radios.
Once in Kazakh, once in Russian."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.roles import Role
from appeals.models import Appeal, Category
from testkit.browser import host_url, screenshot
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import appeal_at, own_organisation, own_spot, unique_phone
from tests.consoles.browser.test_outage_call_flow import own_house, remove_map

SLUG = "petropavlovsk"
WORDS = {
    "kk": {
        "zoom": "Үлкейту",
        "pinned": "Белгі картаның ортасына қойылды.",
        "found": "Табылған мекенжайлар: ",
    },
    "ru": {"zoom": "Приблизить", "pinned": "Метка поставлена в центр карты.", "found": "Найдено адресов: "},
}


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        parts = [c / 255 for c in rgb]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_intake_form_from_the_keyboard(browser, committed_db, onboarded, person, language):
    words = WORDS[language]
    house = str(900 + uuid.uuid4().int % 90)
    building_id = own_house(onboarded[SLUG], own_spot(onboarded[SLUG]), own_organisation(SLUG), house)
    with schema_context(SLUG):
        category = Category.objects.get(code="heating")
    name = category.name_kk if language == "kk" else category.name_ru
    page = sign_in(browser, person(Role.OPERATOR), language=language)
    try:
        page.goto(host_url(SLUG, "/console/intake/"))
        page.wait_for_function("document.activeElement.id === 'id_phone'")  # the first field
        phone = unique_phone()
        page.keyboard.type(phone)

        # The address: Enter before any result does nothing (the form is not sent).
        page.focus("#id_address")
        page.keyboard.type(f"Сейфулин кошеси {house}")
        page.keyboard.press("Enter")
        option = page.locator(f'#address-listbox [role=option][data-id="{building_id}"]')
        option.wait_for()
        assert page.get_attribute("#id_address", "aria-expanded") == "true"
        assert page.inner_text("#address-found").startswith(words["found"])
        page.keyboard.press("ArrowDown")
        first = page.locator("#address-listbox [role=option]").first
        assert page.get_attribute("#id_address", "aria-activedescendant") == first.get_attribute("id")
        assert first.get_attribute("aria-selected") == "true" and focused(page) == "id_address"
        page.keyboard.press("Escape")  # closes the list, keeps what was typed
        assert page.locator("#address-listbox").count() == 0
        assert page.get_attribute("#id_address", "aria-expanded") == "false"
        assert page.input_value("#id_address") == f"Сейфулин кошеси {house}"
        page.keyboard.type(" ")
        option.wait_for()
        page.keyboard.press("Enter")  # nothing highlighted: the first result
        page.wait_for_function("document.activeElement.id === 'category-search'")  # on to the next field
        assert page.input_value("#id_object_key").startswith("building:browser-")

        # The category: arrows walk the results, Enter picks, the focus goes on to Description.
        # The results of what was typed, not the catalogue's first twelve the box showed on focus.
        page.keyboard.type(name[:5])
        page.locator(f'#category-listbox [role=option][data-code="{category.code}"]').wait_for()
        expect(page.locator("#category-listbox [role=option]")).not_to_have_count(12)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        active = page.get_attribute("#category-search", "aria-activedescendant")
        assert active == "category-option-0"
        chosen_code = page.get_attribute(f"#{active}", "data-code")
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement.id === 'id_description'")
        assert page.input_value("#id_category") == chosen_code
        assert page.get_attribute("#category-search", "aria-expanded") == "false"

        # The map: Enter puts the pin at its centre; the pin is named and no stop of its own.
        page.focus("#map")
        page.keyboard.press("Enter")
        assert page.inner_text("#map-status") == words["pinned"]
        centre = page.evaluate(
            "(() => { const c = window.ikomekIntakeMap.getCenter(); return [c.lat, c.lng]; })()"
        )
        assert abs(float(page.input_value("#id_latitude")) - centre[0]) < 1e-5
        assert abs(float(page.input_value("#id_longitude")) - centre[1]) < 1e-5
        pin = page.locator(".leaflet-marker-icon")
        assert pin.get_attribute("alt") and pin.get_attribute("tabindex") is None
        assert page.get_attribute(".leaflet-control-zoom-in", "title") == words["zoom"]

        # The focus ring: ≥ 3:1 against white and the header's grey (WCAG 1.4.11).
        page.focus("#id_description")
        page.keyboard.press("Tab")
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        rgb = tuple(int(c) for c in ring[ring.index("(") + 1 : ring.index(")")].split(",")[:3])
        assert contrast(rgb, (255, 255, 255)) >= 3 and contrast(rgb, (0xF3, 0xF6, 0xF9)) >= 3
        screenshot(page, f"operator-intake-keyboard-{language}")
        with schema_context(SLUG):
            assert not Appeal.objects.filter(applicant_phone=phone).exists()  # Enter sent nothing
    finally:
        page.context.close()
        remove_map(SLUG, building_id)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_refused_form_puts_the_keyboard_on_the_refused_field(
    browser, committed_db, onboarded, person, language
):
    spot = own_spot(onboarded[SLUG])
    answered = appeal_at(SLUG, spot, organisation=own_organisation(SLUG), status="done", language=language)
    page = sign_in(browser, person(Role.OPERATOR), language=language)
    try:
        # The call-back without its outcome: the refusal is on the radios' fieldset.
        page.goto(host_url(SLUG, f"/console/callbacks/{answered.number}/"))
        page.focus(f'form[data-contact="{answered.number}"] button')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_selector(f"#c{answered.number}-outcome-error")
        assert page.evaluate("document.activeElement.type") == "radio"
        assert page.evaluate("document.activeElement.name") == "outcome"

        # A transfer without its reason: the keyboard lands on the reason, not on the akimat.
        appeal = appeal_at(SLUG, spot, status="assigned")
        page.goto(host_url(SLUG, f"/console/appeals/{appeal.number}/"))
        page.fill("#transfer-akimat", "kyzylzhar")
        page.focus('form[data-step="transfer"] button')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_selector("#transfer-errors")
        assert focused(page) == "transfer-reason"
        assert page.get_attribute("#transfer-reason", "aria-invalid") == "true"
        screenshot(page, f"operator-appeal-refused-step-{language}")
    finally:
        page.context.close()
