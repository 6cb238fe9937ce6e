"""Anyone opens the akimat's and the region's open data on a phone (decision 111): from the public
page, in Kazakh and in Russian; reads a column's meaning in the dictionary, downloads the month's
appeals as CSV with the test's own appeal in it and nothing of who sent it; the page fits the
screen without a word broken over two lines."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consoles.months import current
from testkit.browser import PHONE, broken_words, host_url, screenshot, too_wide
from tests.consoles.browser.own import appeal_at, own_spot, unique_phone

SLUG = "petropavlovsk"
WORDS = {
    "kk": {
        "link": "Ашық деректер",
        "title": "109 желісінің ашық деректері",
        "topic": "Тақырыптың орысша атауы.",
        "region": "Облыстың 109 желілерінің ашық деректері",
    },
    "ru": {
        "link": "Открытые данные",
        "title": "Открытые данные линии 109",
        "topic": "Название темы на русском.",
        "region": "Открытые данные линий 109 области",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_anyone_reads_the_dictionary_and_downloads_a_month_on_a_phone(
    browser, committed_db, onboarded, language
):
    words = WORDS[language]
    phone = unique_phone()
    appeal = appeal_at(SLUG, own_spot(onboarded[SLUG]), status="assigned", phone=phone)
    context = browser.new_context(viewport=PHONE, locale=language, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(host_url(SLUG, "/"))
        page.get_by_role("link", name=words["link"], exact=True).click()
        page.wait_for_url("**/open-data/")
        expect(page.locator("h1")).to_have_text(words["title"])
        meaning = page.locator('#appeals tr[data-column="category_name_ru"] td').last
        expect(meaning).to_have_text(words["topic"])
        screenshot(page, f"open-data-{language}")
        assert too_wide(page) == []
        assert broken_words(page, ".dictionary th, .dictionary td, .about dd") == []

        with page.expect_download() as download:
            page.locator('#appeals a[href^="appeals.csv"]').click()
        assert download.value.suggested_filename == f"{SLUG}-appeals-{current().label}.csv"
        text = download.value.path().read_text(encoding="utf-8")
        assert text.startswith("\ufeffnumber,received_at,category_code")
        assert f"\n{appeal.number}," in text and phone not in text and phone[1:] not in text
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_regions_open_data_fits_a_phone(browser, committed_db, onboarded, language):
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    try:
        page.goto(host_url(None, "/"))
        page.get_by_role("link", name=WORDS[language]["link"], exact=True).click()
        page.wait_for_url("**/open-data/")
        expect(page.locator("h1")).to_have_text(WORDS[language]["region"])
        expect(page.locator(f'.akimats li[data-akimat="{SLUG}"] a').first).to_be_visible()
        screenshot(page, f"open-data-region-{language}")
        assert too_wide(page) == []
        assert broken_words(page, ".dictionary th, .dictionary td, .about dd") == []
    finally:
        context.close()
