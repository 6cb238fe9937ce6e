"""Keycloak's sign-in page, the first screen of every member of staff, speaks one language: the
realm's title in the screen's language alone (its display name holds both), no English in the
language menu, and the menu's label translated (the themes leave it "languages")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from testkit.browser import PHONE, host_url, screenshot

TITLE = {
    "kk": "iKOMEK 109 — Солтүстік Қазақстан облысы",
    "ru": "iKOMEK 109 — Северо-Казахстанская область",
}
MENU = {"kk": "Тілдер", "ru": "Языки"}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_sign_in_page_speaks_the_screens_language_only(browser, language):
    other = "ru" if language == "kk" else "kk"
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    try:
        page.goto(host_url("petropavlovsk", "/auth/login/"))
        page.wait_for_selector("#username")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".pf-v5-c-brand")).to_have_text(TITLE[language])
        html = page.content()
        assert TITLE[other] not in html and " / " not in page.inner_text(".pf-v5-c-brand")
        assert f'aria-label="{MENU[language]}"' in html and 'aria-label="languages"' not in html
        assert "English" not in html  # the menu offers Kazakh and Russian only
        screenshot(page, f"sign-in-{language}")
    finally:
        context.close()
