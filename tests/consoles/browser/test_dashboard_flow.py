"""The akim's dashboard in a real browser: signs in through Keycloak and lands on it, narrows it to
an organisation (the test's own, so no other test's appeal counts), sees the "closed" figure grow
when an appeal is closed, switches the series to weeks (HTMX), gets a field
error for a wrong period, drills down to the appeals behind the figure, opens one, and downloads
the list and the figures as CSV and XLSX (their content checked); once in Kazakh, once in Russian.
Screenshots of each page in both languages go to docs/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from accounts.roles import Role
from appeals import actions
from testkit.browser import PHONE, SCREENSHOTS, host_url, screenshot
from testkit.identities import principal
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import appeal_at, own_organisation, own_spot

SLUG = "petropavlovsk"
WORDS = {
    "kk": {"title": "Көрсеткіштер", "closed": "Жабылды", "status": "Мәртебе", "error": "Басы соңынан кейін"},
    "ru": {"title": "Показатели", "closed": "Закрыто", "status": "Статус", "error": "Начало позже конца"},
}


def figure(page, name: str) -> int:
    return int(page.locator(f'.card[data-figure="{name}"] .value').inner_text())


def workbook(path: Path) -> object:
    # A download has no extension, and openpyxl judges a path by it: read the bytes.
    return load_workbook(io.BytesIO(Path(path).read_bytes()), read_only=True)


def wait_for_the_map(page) -> None:
    page.wait_for_selector("#dashboard-map[data-loaded]")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_akims_figure_changes_and_drills_down_to_files(
    browser, committed_db, onboarded, person, language
):
    words = WORDS[language]
    organisation = own_organisation(SLUG)
    # Answered, the citizen called back: ready to close.
    waiting = appeal_at(SLUG, own_spot(onboarded[SLUG]), organisation=organisation, status="citizen_informed")

    page = sign_in(browser, person(Role.AKIM), language=language)
    page.wait_for_url("**/console/dashboard/**")
    assert page.locator("h1").inner_text() == words["title"]
    wait_for_the_map(page)
    screenshot(page, f"dashboard-overview-{language}")
    # The test's own organisation, chosen in the filter: it applies at once (HTMX).
    page.select_option("#id_organisation", organisation)
    page.wait_for_url(re.compile(f"organisation={organisation}"))
    wait_for_the_map(page)
    assert figure(page, "closed") == 0

    with schema_context(SLUG):
        actions.close_appeal(principal(Role.OPERATOR, name="closer", tenant=SLUG), waiting.number)
    page.reload()
    assert figure(page, "closed") == 1

    # The series by week: the body is swapped in place and the address remembers the choice.
    rows_by_day = page.locator("#series tbody tr").count()
    page.focus("#id_step")
    page.keyboard.press("ArrowDown")  # by day -> by week, from the keyboard
    page.wait_for_url(re.compile(r"step=week"))
    page.wait_for_function(f"() => document.querySelectorAll('#series tbody tr').length < {rows_by_day}")
    wait_for_the_map(page)
    # Keyboard first: the swap keeps the focus where it was, on the list just changed.
    assert page.evaluate("document.activeElement.id") == "id_step"

    # A period that ends before it starts: the error in the screen's language, the input kept.
    page.fill("#id_start", "2026-03-10")
    page.fill("#id_end", "2026-03-01")
    page.locator("#id_end").press("Enter")
    error = page.locator("#id_end-error")
    error.wait_for()
    assert words["error"] in error.inner_text()
    assert page.input_value("#id_start") == "2026-03-10"
    screenshot(page, f"dashboard-error-{language}")
    page.locator(".presets a", has_text="30").click()
    page.wait_for_selector('.card[data-figure="closed"]')

    # Drill down: the closed figure's appeals, the one just closed among them.
    page.locator('.card[data-figure="closed"] .value').click()
    page.wait_for_url("**/console/dashboard/appeals/**figure=closed**")
    row = page.locator(f'tr[data-number="{waiting.number}"]')
    assert row.count() == 1 and words["closed"] in row.inner_text()
    assert page.locator("#drilled thead").inner_text().count(words["status"]) == 1
    screenshot(page, f"dashboard-appeals-{language}")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        text = file.read()
    rows = list(csv.reader(io.StringIO(text)))
    assert words["status"] in rows[0] and str(waiting.number) in {row[0] for row in rows[1:]}
    assert waiting.applicant_phone not in text  # an akim sees no applicants' data
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    book = workbook(download.value.path())
    numbers = {row[0] for row in list(book.worksheets[0].iter_rows(values_only=True))[1:]}
    assert waiting.number in numbers

    # The appeal itself, on the operator's appeal page.
    row.get_by_role("link", name=str(waiting.number)).click()
    page.wait_for_selector('.status[data-status="closed"]')

    # Back on the dashboard (the organisation's): the figures as a workbook, then the page on a phone.
    page.goto(host_url(SLUG, f"/console/dashboard/?organisation={organisation}"))
    with page.expect_download() as download:
        page.locator(".exports").get_by_role("link", name="XLSX").click()
    book = workbook(download.value.path())
    header, total = list(book.worksheets[0].iter_rows(values_only=True))
    assert dict(zip(header, total, strict=True))[words["closed"]] == 1
    page.set_viewport_size(PHONE)
    page.reload()  # as a phone opens it: the map fits the boundary to its own size
    wait_for_the_map(page)
    screenshot(page, f"dashboard-phone-{language}")
    page.context.close()


HOTSPOT_PIXELS = """() => {
  let found = 0;
  for (const canvas of document.querySelectorAll('#dashboard-map .leaflet-hotspots-pane canvas')) {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && data[i] > 200 && data[i + 1] < 130 && data[i + 2] < 60) { found++; }
    }
  }
  return found;
}"""
LAYER = {"kk": "Ыстық нүктелер", "ru": "Очаги"}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_hotspot_layer_draws_the_city_maps_tiles_for_the_period(
    browser, committed_db, onboarded, person, language
):
    """The hotspot layer, off at first, is switched on from the map's layer control: its vector
    tiles come from /map/hotspots/ for the dashboard's period and are drawn as orange circles."""
    appeal_at(SLUG, own_spot(onboarded[SLUG]))  # at least one appeal of the period on the map
    page = sign_in(browser, person(Role.ANALYST), language=language)
    page.goto(host_url(SLUG, "/console/dashboard/"))
    wait_for_the_map(page)
    assert page.evaluate(HOTSPOT_PIXELS) == 0
    toggle = page.get_attribute(".leaflet-control-layers-toggle", "title")
    assert toggle == {"kk": "Қабаттар", "ru": "Слои"}[language]  # Leaflet's own "Layers" otherwise
    switch = page.locator(".leaflet-control-layers-overlays label", has_text=LAYER[language])
    with page.expect_response(lambda r: "/map/hotspots/" in r.url and r.status == 200) as tile:
        switch.locator("input").check()
    assert "since=" in tile.value.url and "until=" in tile.value.url
    assert tile.value.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    page.wait_for_function(f"() => ({HOTSPOT_PIXELS})() > 0")
    page.locator(".leaflet-control-layers-overlays input").first.uncheck()  # the dots off: hotspots alone
    page.locator("#dashboard-map").screenshot(path=str(SCREENSHOTS / f"dashboard-hotspots-{language}.png"))
    switch.locator("input").uncheck()
    page.wait_for_function(f"() => ({HOTSPOT_PIXELS})() === 0")
    page.context.close()
