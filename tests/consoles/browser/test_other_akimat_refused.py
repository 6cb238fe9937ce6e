"""A person of one akimat signs in on another's host: Keycloak knows them, the platform refuses
them (`wrong_tenant`) with a page naming their own akimat's address, and no console opens. The
refusal page still shows Kazakh and Russian side by side (accounts' pages are not yet on the
consoles' catalogues); the test checks the browser's language is there."""

from __future__ import annotations

import pytest

from demo.dev_realm import DEMO_PASSWORD
from testkit.browser import DESK, host_url, screenshot

WORDS = {"kk": "әкімдігіне тиесілі емес", "ru": "не относится к акимату"}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_person_of_petropavlovsk_is_refused_on_esil(browser, onboarded, language):
    context = browser.new_context(viewport=DESK, locale=language)
    page = context.new_page()
    page.goto(host_url("esil", "/auth/login/"))
    page.fill("#username", "operator.petropavlovsk")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#kc-login")
    page.wait_for_load_state("networkidle")

    assert "esil.localhost" in page.url
    assert WORDS[language] in page.content()
    screenshot(page, f"refused-other-akimat-{language}")
    queues = page.goto(host_url("esil", "/console/queues/"))
    assert "/console/queues/" not in page.url or queues.status in (302, 403)
    assert page.locator("table.rows").count() == 0  # no console opened
    context.close()
