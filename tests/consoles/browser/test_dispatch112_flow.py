"""The 112 dispatchers' inbox in a real browser: the dispatcher signs in on the regional host and
lands on `/112/`, switches the language, sees a new incident arrive without reloading (highlighted,
announced), accepts it from the keyboard, types the unit while another incident arrives (the text
and the focus survive the refresh), dispatches it, and a refused step comes back under its form in
the chosen language. Once in Kazakh, once in Russian; screenshots in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from federation.emergency_112.actions import receive_incident
from federation.emergency_112.documents import Priority, build_request_for_service
from federation.emergency_112.models import Incident
from testkit.browser import PHONE, screenshot, too_wide
from testkit.emergency_factories import make_input
from tests.consoles.browser.conftest import choose_language, sign_in, tab_to

WORDS = {
    "kk": {
        "title": "112 оқиғалары",
        "new": "Жаңа оқиға",
        "accepted": "Қабылдады",
        "unit": "Бөлімше немесе бригада",
        "dispatched": "Жіберілді",
        "why": "Себебі (109 желісіне)",
        "required": "Неліктен төтенше емес екенін жазыңыз",
        "service": "101 Өрт сөндіру қызметі",
    },
    "ru": {
        "title": "Происшествия 112",
        "new": "Новое происшествие",
        "accepted": "Принят",
        "unit": "Подразделение или экипаж",
        "dispatched": "Направлены силы",
        "why": "Причина (для линии 109)",
        "required": "Напишите, почему это не экстренный случай",
        "service": "101 Пожарная служба",
    },
}


def arrive(onboarded, number: str, priority: Priority = Priority.HIGH) -> Incident:
    """An incident as the relay delivers it from Petropavlovsk's 109 line (committed)."""
    document = build_request_for_service(
        make_input(onboarded["petropavlovsk"], appeal_number=number, priority=priority)
    )
    return receive_incident(document, source_schema="petropavlovsk")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_dispatcher_takes_incidents_live_from_the_keyboard(
    browser, committed_112, committed_db, onboarded, language
):
    words = WORDS[language]
    page = sign_in(browser, "dispatcher-112", slug=None, language="ru" if language == "kk" else "kk")
    page.wait_for_url("**/112/")  # dispatchers land on their inbox
    choose_language(page, language)
    assert page.locator("h1").inner_text() == words["title"]

    first = arrive(onboarded, f"{language.upper()}-FIRE-1", Priority.HIGHEST)
    row = page.locator(f'#open tr[data-id="{first.pk}"]')
    row.wait_for(timeout=6000)  # polled, no reload
    assert "awaiting" in row.get_attribute("class") and words["service"] in row.inner_text()
    page.wait_for_function("() => document.getElementById('live').textContent.length > 0")
    assert page.locator("#live").inner_text() == f"{words['new']}: №{first.appeal_number}"
    screenshot(page, f"dispatch112-inbox-{language}")

    # Keyboard: from the sound switch, Tab reaches the incident's "accept"; Enter takes it.
    tab_to(page, f"#acknowledge-{first.pk}-button", start="#sound")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert words["accepted"] in row.locator(".state").inner_text()
    assert page.locator(".notices").inner_text().endswith(words["accepted"])

    # The unit typed while another incident arrives: the refresh keeps the text and the focus.
    unit = page.get_by_label(words["unit"])
    unit.fill("ПЧ-2, АЦ-40")
    second = arrive(onboarded, f"{language.upper()}-GAS-2")
    page.locator(f'#open tr[data-id="{second.pk}"]').wait_for(timeout=6000)
    assert unit.input_value() == "ПЧ-2, АЦ-40"
    assert page.evaluate("document.activeElement.id") == f"dispatch-{first.pk}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert words["dispatched"] in row.locator(".state").inner_text()
    assert "ПЧ-2, АЦ-40" in row.inner_text()

    # "Not an emergency" without a reason: refused under its form, in the chosen language.
    reason = page.locator(f"#reject-{second.pk}")
    reason.fill("   ")
    with page.expect_navigation():
        reason.press("Enter")
    error = page.locator(f"#reject-{second.pk}-error")
    assert words["required"] in error.inner_text()
    assert page.locator(f"#reject-{second.pk}").get_attribute("aria-invalid") == "true"
    screenshot(page, f"dispatch112-refused-{language}")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.unit, second.state) == ("dispatched", "ПЧ-2, АЦ-40", "received")
    # On a phone the table's headers are hidden: the lone priority number says what it is.
    page.set_viewport_size(PHONE)
    label = row.locator("td.prio").evaluate("e => getComputedStyle(e, '::before').content")
    assert label == f'"{PRIORITY[language]}"'
    assert too_wide(page) == []
    page.context.close()


PRIORITY = {"kk": "Басымдық", "ru": "Приоритет"}
LATE = {"kk": "60 с астам қабылданбады", "ru": "Не принято дольше 60 с"}
LATE_SAID = {"kk": "Уақытында қабылданбады", "ru": "Не принято вовремя"}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_incident_not_accepted_in_time_says_so_on_the_second(
    browser, committed_112, committed_db, onboarded, language
):
    """No watchdog runs here (no beat): the page says when 112's time to accept has passed."""
    page = sign_in(browser, "dispatcher-112", slug=None, language=language)
    page.wait_for_url("**/112/")
    choose_language(page, language)
    incident = arrive(onboarded, f"{language.upper()}-LATE-1")
    Incident.objects.filter(pk=incident.pk).update(awaiting_ack_since=timezone.now() - timedelta(seconds=54))
    row = page.locator(f'#newest tr[data-id="{incident.pk}"]')
    row.wait_for(timeout=6000)
    warning = row.locator('[data-kind="late"]')
    assert warning.is_hidden()  # not yet: six seconds to go
    warning.wait_for(state="visible", timeout=12_000)
    assert warning.inner_text() == f"⚠ {LATE[language]}"
    live = page.locator("#live")
    assert live.inner_text() == f"{LATE_SAID[language]}: №{incident.appeal_number}"
    screenshot(page, f"dispatch112-late-{language}")
    page.context.close()
