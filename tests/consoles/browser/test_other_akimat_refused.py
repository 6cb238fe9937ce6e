"""A person of one akimat signs in on another's host: Keycloak knows them, the platform refuses
them (`wrong_tenant`) with a page in one language naming their own akimat's address, switches the
page to the other language with the same refusal, and no console opens. Once in Kazakh, once in
Russian."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from demo.dev_realm import DEMO_PASSWORD
from testkit.browser import PHONE, host_url, screenshot, too_wide

WORDS = {
    "kk": {"refused": "Бұл тіркелгі «Есіл ауданы» әкімдігіне тиесілі емес.", "own": "Петропавл"},
    "ru": {"refused": "Эта учётная запись не относится к акимату «Есильский район».", "own": "Петропавловск"},
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_person_of_petropavlovsk_is_refused_on_esil(browser, person, language):
    words, other = WORDS[language], "ru" if language == "kk" else "kk"
    username = person(Role.OPERATOR, "petropavlovsk")
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    try:
        page.goto(host_url("esil", "/auth/login/"))
        page.fill("#username", username)
        page.fill("#password", DEMO_PASSWORD)
        page.click("#kc-login")
        page.wait_for_url("**esil.localhost**/auth/callback/**")

        refusal = page.locator('[role="alert"][data-code="wrong_tenant"]')
        expect(refusal).to_have_text(words["refused"])
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert WORDS[other]["refused"] not in page.content()  # one language on the screen
        own = page.get_by_role("link", name=words["own"], exact=True)
        expect(own).to_have_attribute("href", host_url("petropavlovsk", "/auth/login/"))
        assert too_wide(page) == []  # nothing makes the phone scroll sideways
        screenshot(page, f"refused-other-akimat-{language}")

        # The other language, with the switch: the same refusal, shown again.
        page.click("#lang-switch")  # the one button: the other language
        page.wait_for_url("**/auth/refused/")
        expect(refusal).to_have_text(WORDS[other]["refused"])
        expect(page.get_by_role("link", name=WORDS[other]["own"], exact=True)).to_be_visible()

        queues = page.goto(host_url("esil", "/console/queues/"))
        assert "/console/queues/" not in page.url or queues.status in (302, 403)
        assert page.locator("table.rows").count() == 0  # no console opened
    finally:
        context.close()
