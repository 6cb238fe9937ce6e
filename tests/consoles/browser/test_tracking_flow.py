"""A citizen follows an appeal on the akimat's `/track/` page in a real browser, on a phone: comes
from the public page, picks their language with the switch (kept for the next visit), types the
number and a wrong access code from the keyboard (refused, with a clear message in that language
and what was typed kept), then the right code as people type it, and sees the status and dates.
Once in Kazakh, once in Russian."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from appeals.tracking.access_code import readable
from testkit.browser import PHONE, host_url, screenshot, too_wide
from tests.consoles.browser.own import appeal_at, forget_tracking_guesses_of_this_machine, own_spot

SLUG = "petropavlovsk"
WORDS = {
    "kk": {
        "follow": "Өтінішті қадағалау",
        "number": "Өтініш нөмірі",
        "not_found": "Бұл нөмір мен кодқа сәйкес өтініш табылмады.",
        "done": "Орындалды",
        "appeal": "№{} өтініш",
    },
    "ru": {
        "follow": "Отследить обращение",
        "number": "Номер обращения",
        "not_found": "Обращение с таким номером и кодом не найдено.",
        "done": "Выполнено",
        "appeal": "Обращение №{}",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_citizen_follows_an_appeal_by_number_and_access_code(browser, committed_db, onboarded, language):
    words, other = WORDS[language], "ru" if language == "kk" else "kk"
    forget_tracking_guesses_of_this_machine(SLUG)
    appeal = appeal_at(SLUG, own_spot(onboarded[SLUG]), status="done")
    # The phone's browser speaks the other language: the citizen switches to theirs.
    context = browser.new_context(viewport=PHONE, locale=other)
    page = context.new_page()
    try:
        page.goto(host_url(SLUG, "/"))
        page.get_by_role("link", name=WORDS[other]["follow"]).click()
        page.wait_for_url("**/track/")
        expect(page.locator("h1")).to_have_text(WORDS[other]["follow"])
        page.click("#lang-switch")  # the one button: the other language
        expect(page.locator("h1")).to_have_text(words["follow"])
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert WORDS[other]["number"] not in page.content()  # one language on the screen
        screenshot(page, f"tracking-form-{language}")

        # From the keyboard: the number has the focus, Tab leads to the code, then the button.
        assert page.evaluate("document.activeElement.id") == "number"
        page.keyboard.type(str(appeal.number))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "access_code"
        page.keyboard.type("ABCD-EFGH")  # not this appeal's code
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "phone_last4"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.tagName") == "BUTTON"
        page.keyboard.press("Enter")
        refusal = page.locator('[role="alert"][data-code="not_found"]')
        expect(refusal).to_contain_text(words["not_found"])
        expect(page.locator("#number")).to_have_value(str(appeal.number))  # nothing typed is lost
        expect(page.locator("#access_code")).to_have_value("ABCD-EFGH")
        assert too_wide(page) == []
        screenshot(page, f"tracking-refused-{language}")

        # The right code, as a citizen reads it off the receipt: small letters, a space.
        code = readable(appeal.access_code).lower().replace("-", " ")
        page.fill("#access_code", code)
        page.locator("form.track button").click()
        expect(page.locator(".tracked h2")).to_have_text(words["appeal"].format(appeal.number))
        expect(page.locator('.tracked .status[data-status="done"]')).to_have_text(words["done"])
        expect(page.locator("#tracked dd")).to_have_count(3)  # received, deadline, answered
        assert appeal.applicant_phone not in page.content()
        assert too_wide(page) == []
        screenshot(page, f"tracking-status-{language}")

        # The choice is kept in the browser: the next visit opens in the citizen's language.
        page.goto(host_url(SLUG, "/track/"))
        expect(page.locator("h1")).to_have_text(words["follow"])
    finally:
        context.close()
