"""The operator's queues on a phone (390x844): no list makes the page scroll sideways, whatever its
rows hold (a channel's badge, an emergency's badge, a long address), in Kazakh and in Russian; the
two dates say which is which, and the emergency's badge is the badge alone."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.models import Appeal, Category
from testkit.browser import PHONE, screenshot
from testkit.identities import principal
from tests.consoles.browser.conftest import choose_language, sign_in
from tests.consoles.browser.own import own_spot, unique_phone

SLUG = "petropavlovsk"
LISTS = ("new", "registered", "overdue", "due_soon", "callback")
WIDTHS = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth)
    .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
})"""
# What a row shows on the phone: the label drawn before each date cell (columns 2 and 6), and the
# emergency badge's left border (the appeal page's `.emergency` section drew a blue strip there).
ROW = """number => {
  const row = document.querySelector(`table.rows a[href="/console/appeals/${number}/"]`).closest('tr');
  const said = cell => getComputedStyle(cell, '::before').content;
  const badge = row.querySelector('.badge.emergency');
  return {
    received: said(row.cells[1]), deadline: said(row.cells[5]),
    badge: badge && getComputedStyle(badge).borderLeftWidth,
  };
}"""
LABELS = {"kk": ('"Қабылданды"', '"Мерзімі"'), "ru": ('"Поступило"', '"Срок"')}


def received(spot: tuple[float, float], *, category: str, channel: str, address: str) -> int:
    """A new appeal as it waits in the queue: what its row shows is the test's own. An emergency
    waits with its badge as an integrator's does (an operator's own goes to 112 at once)."""
    operator = principal(Role.OPERATOR, name="browser-test-operator", tenant=SLUG)
    with schema_context(SLUG):
        appeal = actions.create_appeal(
            operator,
            AppealInput(
                channel=channel,
                description=f"Тест очереди на телефоне {uuid.uuid4().hex[:6]}",
                applicant_phone=unique_phone(),
                applicant_name="Айгерим Садыкова",
                address=address,
                longitude=spot[0],
                latitude=spot[1],
                category_code="heating",
            ),
        ).appeal
        Appeal.objects.filter(pk=appeal.pk).update(category=Category.objects.get(code=category))
    return appeal.number


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_queue_scrolls_sideways_on_a_phone(browser, committed_db, onboarded, person, language):
    spot = own_spot(onboarded[SLUG])
    numbers = [
        received(spot, category="fire", channel="landline", address="ул. Жамбыла, 12"),
        received(
            spot,
            category="heating",
            channel="web",
            address="Петропавловск, микрорайон Береке, улица Назарбаева, 101/1, подъезд 2",
        ),
    ]
    page = sign_in(browser, person(Role.OPERATOR, SLUG), viewport=PHONE, language=language)
    choose_language(page, language)
    for name in LISTS:
        page.goto(page.url.split("/console/")[0] + f"/console/queues/?list={name}")
        expect(page.locator("table.rows")).to_be_visible()
        if name == "new":
            for number in numbers:
                expect(page.locator(f'table.rows a[href="/console/appeals/{number}/"]')).to_be_visible()
            screenshot(page, f"operator-queues-phone-{language}")
            emergency, other = (page.evaluate(ROW, number) for number in numbers)
            labels = LABELS[language]
            assert (emergency["received"], emergency["deadline"]) == labels, emergency
            assert (other["received"], other["deadline"]) == labels, other
            assert emergency["badge"] == "0px" and other["badge"] is None
        widths = page.evaluate(WIDTHS)
        assert widths["scroll"] <= widths["inner"], (name, widths)
