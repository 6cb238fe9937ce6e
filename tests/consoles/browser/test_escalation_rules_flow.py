"""The region's escalation rules in a real browser, on a phone: a regional admin of the test's own
signs in on the regional host through Keycloak, opens the rules from the header, adds a rule (first
refused beside its field, the focus on it), sees it listed in the screen's language, and deletes it
after the confirmation; nothing on these pages or on the region's console makes the phone scroll
sideways, the console's figures are named on the phone, and a rule's change, switch and delete are
each a 44 px target for a thumb. Once in Kazakh, once in Russian."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from federation.escalations.models import EscalationRule
from testkit.browser import PHONE, screenshot, too_wide
from tests.consoles.browser.conftest import choose_language, sign_in

WORDS = {
    "kk": {
        "title": "Эскалация ережелері",
        "name": "Лифттер",
        "too_small": "2-ден 100-ге дейінгі сан жазыңыз немесе бос қалдырыңыз.",
        "overdue": "4 мерзім жауапсыз өтсе",
        "delete": "Эскалация ережесін жою керек пе?",
        "received": "Қабылданды",
    },
    "ru": {
        "title": "Правила эскалации",
        "name": "Дворы",
        "too_small": "Введите число от 2 до 100 или оставьте поле пустым.",
        "overdue": "Сроков прошло без ответа: 4",
        "delete": "Удалить правило эскалации?",
        "received": "Поступило",
    },
}
# Each language its own category: the two runs may go side by side against one database.
CODES = {"kk": "lifts", "ru": "yards"}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_regional_admin_adds_a_rule_on_a_phone(browser, person, committed_db, language):
    words, code = WORDS[language], CODES[language]
    username = person(Role.REGIONAL_ADMIN, slug=None)
    page = sign_in(browser, username, slug=None, viewport=PHONE, language=language)
    try:
        page.wait_for_url("**/region/**")
        choose_language(page, language)
        assert too_wide(page) == []  # the region's console on a phone
        received = page.evaluate(
            "getComputedStyle(document.querySelector('#kpis tbody td.n'), '::before').content"
        )
        assert received == f'"{words["received"]}"'  # each figure says what it is
        screenshot(page, f"region-console-phone-{language}")

        page.click('nav a[href="/region/escalation-rules/"]')
        page.wait_for_url("**/region/escalation-rules/")
        assert page.locator("h1").inner_text() == words["title"]
        page.click('a[href="/region/escalation-rules/new/"]')
        page.wait_for_url("**/region/escalation-rules/new/")
        page.select_option("#id_category", code)
        page.fill("#id_overdue_multiple", "1")
        page.fill("#id_note", "browser test")
        page.press("#id_note", "Enter")  # sent from the keyboard, no script needed
        page.wait_for_selector("#id_overdue_multiple-error")
        assert page.locator("#id_overdue_multiple-error").inner_text() == words["too_small"]
        assert page.evaluate("document.activeElement.id") == "id_overdue_multiple"  # the refused field
        assert page.input_value("#id_note") == "browser test" and too_wide(page) == []
        screenshot(page, f"region-rule-refused-{language}")

        page.keyboard.press("Control+A")
        page.keyboard.type("4")
        page.keyboard.press("Enter")
        page.wait_for_url("**/region/escalation-rules/")
        row = page.locator(f'tr[data-rule="{code}"]')
        assert words["name"] in row.inner_text() and words["overdue"] in row.inner_text()
        assert too_wide(page) == []
        # A thumb's target (44 px, WCAG 2.5.5), as the row's button already is on a phone.
        for action in ('a:not([href$="/delete/"])', "button", 'a[href$="/delete/"]'):
            box = row.locator(f"td.actions {action}").bounding_box()
            assert box is not None and box["height"] >= 44, (action, box)
        screenshot(page, f"region-rules-{language}")

        row.locator('a[href$="/delete/"]').click()
        assert page.locator("h1").inner_text() == words["delete"]
        page.locator("button.danger").click()
        page.wait_for_url("**/region/escalation-rules/")
        assert page.locator(f'tr[data-rule="{code}"]').count() == 0
    finally:
        page.context.close()
        EscalationRule.objects.filter(category=code, note="browser test").delete()  # left by a failure
