"""Anyone opens the akimat's and the region's public figures on a phone (decision 102): from the
public page, in Kazakh and in Russian; the totals, both tables and the queue fit the screen without
a word broken over two lines, the period changes with a tap, and the CSV link downloads the same
period's figures; a calendar month is chosen from the list and links its open data figures file."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from consoles.months import current
from testkit.browser import PHONE, broken_words, host_url, screenshot, too_wide
from tests.consoles.browser.own import appeal_at, own_spot

SLUG = "petropavlovsk"
WORDS = {
    "kk": {
        "figures": "109 желісінің көрсеткіштері",
        "week": "Соңғы 7 күн",
        "show": "Көрсету",
    },
    "ru": {
        "figures": "Показатели линии 109",
        "week": "Последние 7 дней",
        "show": "Показать",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_anyone_reads_the_figures_on_a_phone(browser, committed_db, onboarded, language):
    words = WORDS[language]
    appeal = appeal_at(SLUG, own_spot(onboarded[SLUG]), status="assigned")
    context = browser.new_context(viewport=PHONE, locale=language, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(host_url(SLUG, "/"))
        page.get_by_role("link", name=words["figures"]).click()
        page.wait_for_url("**/figures/")
        expect(page.locator("h1")).to_have_text(words["figures"])
        expect(page.locator(f'.queue li[data-number="{appeal.number}"]')).to_be_visible()
        assert int(page.locator('[data-figure="open-now"]').inner_text()) >= 1
        screenshot(page, f"public-figures-{language}")
        assert too_wide(page) == []
        # A header or a name has a line of its own words: "Поступ|ило" broke in five columns.
        assert broken_words(page, ".figures th, .figures td") == []

        page.get_by_role("link", name="7", exact=True).click()
        expect(page.locator("main > p").first).to_contain_text(words["week"])
        with page.expect_download() as download:
            page.locator('a[href*="figures.csv"]').click()
        assert download.value.suggested_filename.startswith(f"{SLUG}-figures-")
        assert download.value.path().read_text(encoding="utf-8-sig").startswith("kind,code,name_kk,name_ru")

        month = current().label
        page.select_option("#month", month)
        page.get_by_role("button", name=words["show"]).click()
        page.wait_for_url(f"**/figures/?month={month}")
        with translation.override(language):
            named = date_format(current().first, "F Y")  # the month by its name in the screen's language
        expect(page.locator("main > p").first).to_contain_text(named)
        assert int(page.locator('[data-figure="received"]').first.inner_text()) >= 1
        screenshot(page, f"public-figures-month-{language}")
        assert too_wide(page) == []
        assert broken_words(page, ".figures th, .figures td") == []
        with page.expect_download() as download:
            page.locator(f'a[href="/open-data/figures.csv?month={month}"]').click()
        assert download.value.suggested_filename == f"{SLUG}-figures-{month}.csv"
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_regions_figures_fit_a_phone_without_breaking_words(browser, committed_db, onboarded, language):
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    try:
        page.goto(host_url(None, "/figures/"))
        rows = page.locator(".figures tbody tr[data-akimat]")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 1
        screenshot(page, f"public-figures-region-{language}")
        assert too_wide(page) == []
        assert broken_words(page, ".figures th, .figures td") == []
        # A calendar month, chosen from the list as on an akimat's page: it fits the phone too.
        month = current().label
        page.select_option("#month", month)
        page.locator("form.month button").click()
        page.wait_for_url(f"**/figures/?month={month}")
        expect(page.locator('dd[data-figure="closed"]')).to_be_visible()
        assert too_wide(page) == []
        assert broken_words(page, ".figures th, .figures td") == []
    finally:
        context.close()
