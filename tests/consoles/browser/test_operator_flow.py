"""An operator in a real browser: signs in through Keycloak, takes a call on the intake form,
finds the appeal in the queue and registers it; once in Kazakh, once in Russian. Screenshots of
each page in both languages go to docs/screenshots/."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context

from accounts.roles import Role
from appeals.models import Appeal
from testkit.browser import screenshot
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import unique_phone

WORDS = {
    "kk": {"queues": "Кезектер", "save": "Өтінішті сақтау", "register": "Тіркеу", "new": "Жаңа өтініш"},
    "ru": {
        "queues": "Очереди",
        "save": "Сохранить обращение",
        "register": "Регистрация",
        "new": "Новое обращение",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_operator_takes_a_call_and_registers_it(browser, committed_db, onboarded, person, language):
    words = WORDS[language]
    page = sign_in(browser, person(Role.OPERATOR), language=language)
    page.wait_for_url("**/console/queues/**")
    assert page.locator("h1").inner_text() == words["queues"]
    screenshot(page, f"operator-queues-{language}")

    page.get_by_role("link", name=words["new"]).click()
    description = f"Подъезде жарық жоқ {uuid.uuid4().hex[:6]}"
    page.fill("#id_phone", unique_phone())
    page.fill("#id_description", description)
    page.uncheck("#id_register")
    screenshot(page, f"operator-intake-{language}")
    page.get_by_role("button", name=words["save"]).click()

    page.wait_for_url("**/console/appeals/*/")
    number = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with schema_context("petropavlovsk"):
        appeal = Appeal.objects.get(number=number)
    assert appeal.description == description and appeal.status == "received"
    screenshot(page, f"operator-appeal-{language}")

    register = page.locator('form[data-step="register"]')
    register.locator("input[name=category]").fill("heating")
    register.get_by_role("button").click()
    page.wait_for_selector('.status[data-status="registered"]')
    with schema_context("petropavlovsk"):
        assert Appeal.objects.get(number=number).category.code == "heating"
    page.context.close()
