"""The region's console in a real browser: the regional admin signs in on the regional host through
Keycloak and lands on `/region/`, switches the language (kept on their profile in the public
schema, so a second device opens in it), reads every akimat's figures beside the region's, gets a
field error for a wrong period, and decides an escalation from the keyboard: a decision without its
text is refused under its form, then the escalation is accepted and resolved. Once in Kazakh,
once in Russian; screenshots of each page in both languages."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from regional.models import AppealFact, Escalation
from regional.rebuild import rebuild_tallies
from testkit.browser import host_url, screenshot
from tests.consoles.browser.conftest import choose_language, sign_in, tab_to
from tests.regional.test_regional_api import seed_known

WORDS = {
    "kk": {
        "title": "Облыс бойынша өтініштер",
        "esil": "Есіл ауданы",
        "period": "Соңғы 7, 30, 90 немесе 365 күнді таңдаңыз.",
        "required": "Әкімдікке нұсқауды жазыңыз.",
        "accepted": "Облыс қабылдады",
        "instructions": "Әкімдікке нұсқау",
        "resolved": "Шешілді",
        "resolution": "Шешім",
    },
    "ru": {
        "title": "Обращения по области",
        "esil": "Есильский район",
        "period": "Выберите последние 7, 30, 90 или 365 дней.",
        "required": "Напишите поручение для акимата.",
        "accepted": "Принято областью",
        "instructions": "Поручение акимату",
        "resolved": "Решено",
        "resolution": "Решение",
    },
}


@pytest.fixture
def escalated(committed_db) -> Iterator[Escalation]:
    """An escalation in the region's queue and known figures of Esil in the read model (committed,
    so the server sees them); the figures are wiped afterwards, and the escalation ends resolved
    by the test itself (out of the queue the server-side tests count)."""
    with schema_context("public"), transaction.atomic():
        seed_known("esil")
        escalation = Escalation.objects.create(
            schema="petropavlovsk",
            appeal_number=random.randint(10**8, 10**9),
            category="heating",
            cause="manual",
            reason="Подрядчик не выходит на связь третий день",
            escalated_at=timezone.now(),
            escalated_by="operator",
        )
    yield escalation
    with schema_context("public"):
        AppealFact.objects.filter(schema="esil").delete()
        rebuild_tallies()
        assert Escalation.objects.get(pk=escalation.pk).state == "resolved"
    connection.set_schema_to_public()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_regional_admin_reads_the_figures_and_decides_an_escalation(browser, escalated, language):
    words = WORDS[language]
    other = "ru" if language == "kk" else "kk"
    page = sign_in(browser, "regional-admin", slug=None, language=other)
    page.wait_for_url("**/region/**")  # the region's staff land on their console
    choose_language(page, language)
    assert page.locator("h1").inner_text() == words["title"]
    esil = page.locator('tr[data-akimat="esil"]')
    assert words["esil"] in esil.inner_text()
    assert esil.locator("td.n").first.inner_text() == "4"  # received (seed_known's figures)
    assert WORDS[other]["title"] not in page.content()
    screenshot(page, f"region-console-{language}")

    # A second device opens in the language the person chose, whatever its browser says.
    elsewhere = sign_in(browser, "regional-admin", slug=None, language=other)
    elsewhere.wait_for_url("**/region/**")
    assert elsewhere.locator("html").get_attribute("lang") == language
    elsewhere.context.close()

    # A wrong period in the address: the field's error in the person's language, never a 500.
    answer = page.goto(host_url(None, "/region/?days=31"))
    assert answer.status == 400
    assert page.locator("#id_days-error").inner_text() == words["period"]
    screenshot(page, f"region-period-error-{language}")
    page.select_option("#id_days", "7")
    page.locator("form.filters button").click()
    page.wait_for_url("**/region/?days=7")

    # The escalation from the keyboard: its "send back" field is reachable by Tab, with its label.
    row = page.locator(f'tr[data-id="{escalated.pk}"]')
    field = f"#assign_back-{escalated.pk}"
    assert page.get_by_label(words["instructions"]).count() >= 1
    tab_to(page, field, start="#id_days")
    page.keyboard.type("   ")  # the form asks for text; blanks are refused by the server
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{field}-error")
    assert page.locator(f"{field}-error").inner_text() == words["required"]
    screenshot(page, f"region-decision-refused-{language}")

    assert page.input_value(field) == ""  # the blanks it refused, nothing else typed

    # Accepted from the keyboard, then resolved with the region's resolution.
    tab_to(page, f'tr[data-id="{escalated.pk}"] form[action$="/accept/"] button', start="#id_days")
    page.keyboard.press("Enter")
    page.wait_for_url("**/region/?days=7")
    assert words["accepted"] in row.inner_text()
    assert page.locator(".notices").inner_text().endswith(words["accepted"])
    page.get_by_label(words["resolution"]).fill("Подрядчик заменён, работы выполнены")
    page.press(f"#resolve-{escalated.pk}", "Enter")
    page.wait_for_url("**/region/?days=7")
    assert row.count() == 0  # resolved: out of the queue
    assert page.locator(".notices").inner_text().endswith(words["resolved"])
    page.context.close()
