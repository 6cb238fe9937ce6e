"""The operator's call-back reopens an appeal: the executor has reported it done (through the
actions, as tests/consoles/browser/test_executor_flow.py does in a browser), the operator signs in,
opens the call-back queue, calls the applicant, records that the citizen is not satisfied, and the
appeal is reopened with a new deadline. Once in Kazakh, once in Russian."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accounts.roles import Role
from appeals.models import Appeal, CallbackAttempt
from testkit.browser import host_url, screenshot
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import appeal_at, own_organisation, own_spot

SLUG = "petropavlovsk"
WORDS = {
    "kk": {
        "callbacks": "Кері қоңыраулар",
        "not_satisfied": "Хабарласты: азамат қанағаттанбады",
        "comment": "Түсініктеме (азамат не айтты)",
        "record": "Қоңырауды тіркеу",
        "reopened": "Азамат қанағаттанбады: өтініш жаңа мерзіммен қайта ашылды.",
        "status": "Қайта ашылды",
        "said": "Батареялар әлі де суық",
        "appeal": "Өтініш беті",
    },
    "ru": {
        "callbacks": "Обратные звонки",
        "not_satisfied": "Дозвонились: заявитель не доволен",
        "comment": "Комментарий (что сказал заявитель)",
        "record": "Записать звонок",
        "reopened": "Заявитель не доволен: обращение открыто повторно с новым сроком.",
        "status": "Открыто повторно",
        "said": "Батареи всё ещё холодные",
        "appeal": "Страница обращения",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_operators_call_back_reopens_the_appeal(browser, committed_db, onboarded, person, language):
    words = WORDS[language]
    organisation = own_organisation(SLUG)
    answered = appeal_at(
        SLUG, own_spot(onboarded[SLUG]), organisation=organisation, status="done", language=language
    )
    page = sign_in(browser, person(Role.OPERATOR), language=language)
    try:
        page.wait_for_url("**/console/queues/**")
        page.get_by_role("link", name=words["callbacks"]).click()
        page.wait_for_url("**list=callback**")
        row = page.locator(f'#rows a[href="/console/callbacks/{answered.number}/"]')
        expect(row).to_be_visible()
        screenshot(page, f"operator-callback-queue-{language}")
        row.click()

        page.wait_for_url(f"**/console/callbacks/{answered.number}/")
        expect(page.locator(".resolution")).to_have_text(answered.resolution)
        form = page.locator(f'form.callback[data-contact="{answered.number}"]')
        expect(form.locator(f'a[href="tel:{answered.applicant_phone}"]')).to_have_count(
            0
        )  # the phone is above
        expect(page.locator(f'a[href="tel:{answered.applicant_phone}"]')).to_be_visible()  # to call
        form = page.locator(f'form.callback[data-contact="{answered.number}"]')
        form.get_by_label(words["not_satisfied"]).check()
        form.get_by_label(words["comment"]).fill(words["said"])
        screenshot(page, f"operator-callback-{language}")
        form.get_by_role("button", name=words["record"]).click()

        page.wait_for_url("**result=reopened")
        expect(page.locator("[data-result]")).to_have_text(words["reopened"])
        expect(page.locator('h1 .status[data-status="reopened"]')).to_have_text(words["status"])
        expect(page.locator("ol.calls")).to_contain_text(words["said"])
        screenshot(page, f"operator-callback-reopened-{language}")
        with schema_context(SLUG):
            reopened = Appeal.objects.get(pk=answered.pk)
            attempt = CallbackAttempt.objects.get(appeal=reopened)
        assert reopened.status == "reopened" and reopened.reopen_count == 1
        assert reopened.deadline > timezone.now() and reopened.resolved_at is None
        assert (attempt.reached, attempt.satisfied, attempt.comment) == (True, False, words["said"])

        # Its page says so too, and the call-back queue no longer holds it.
        page.get_by_role("link", name=words["appeal"]).click()
        page.wait_for_url(f"**/console/appeals/{answered.number}/")
        expect(page.locator('.status[data-status="reopened"]')).to_be_visible()
        expect(page.locator("ol.history")).to_contain_text(words["said"])
        page.goto(host_url(SLUG, "/console/queues/?list=callback"))
        expect(page.locator(f'#rows a[href="/console/callbacks/{answered.number}/"]')).to_have_count(0)
    finally:
        page.context.close()
