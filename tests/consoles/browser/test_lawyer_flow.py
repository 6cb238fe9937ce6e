"""The lawyer in a real browser (Kyzylzhar's): finds a violation the SLA monitor opened in the
register, proposes a sanction, which moves it to "sanction proposed", looks at the person's year
and prints the act. Once in Kazakh, once in Russian; screenshots of each page in both languages
(the act as printed)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.roles import Role
from appeals.jobs.monitor import sweep
from appeals.models import Appeal, Organisation, ResponsiblePerson, Violation
from testkit.browser import PHONE, host_url, screenshot, too_wide
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import appeal_at, own_organisation, own_spot

SLUG = "kyzylzhar"
WORDS = {
    "kk": {
        "register": "Бұзушылықтар тізілімі",
        "sanction": "Жаза ұсыну",
        "state": "Жаза ұсынылды",
        "act": "Басып шығаруға арналған акт",
        "title": "Өтінішті қарау мерзімін бұзу туралы акт",
    },
    "ru": {
        "register": "Реестр нарушений",
        "sanction": "Предложить взыскание",
        "state": "Предложено взыскание",
        "act": "Акт для печати",
        "title": "Акт о нарушении срока рассмотрения обращения",
    },
}


def open_violation(tenant: object) -> Violation:
    """An appeal of the test's own organisation (its head named) whose deadline passed, swept by
    the monitor."""
    organisation = own_organisation(SLUG, kind="department")
    with schema_context(SLUG):
        ResponsiblePerson.objects.create(
            organisation=Organisation.objects.get(code=organisation),
            full_name=f"Сәуле Мұратқызы {uuid.uuid4().hex[:4]}",
            position="Бөлім басшысы",
            is_head=True,
        )
    number = appeal_at(SLUG, own_spot(tenant), organisation=organisation).number
    with schema_context(SLUG):
        now = timezone.now()
        Appeal.objects.filter(number=number).update(deadline=now - datetime.timedelta(hours=5))
        sweep(now)
        return Violation.objects.select_related("appeal", "person").get(appeal__number=number)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_lawyer_moves_a_violation_to_sanction_proposed(
    browser, committed_db, onboarded, person, language
):
    words = WORDS[language]
    violation = open_violation(onboarded[SLUG])
    assert violation.status == "open" and violation.person is not None
    page = sign_in(browser, person(Role.LAWYER, SLUG), SLUG, language=language)
    try:
        page.goto(host_url(SLUG, "/console/violations/?status=open"))
        assert page.locator("h1").inner_text() == words["register"]
        row = page.locator(f'tr[data-violation="{violation.pk}"]')
        assert row.count() == 1
        screenshot(page, f"lawyer-register-{language}")

        row.get_by_role("link", name=f"№{violation.appeal.number}").click()
        page.wait_for_url(f"**/console/violations/{violation.pk}/")
        screenshot(page, f"lawyer-violation-{language}")
        page.fill("#sanction-text", "Ескерту / Замечание: мерзімді бұзғаны үшін")
        page.get_by_role("button", name=words["sanction"]).click()
        page.wait_for_selector('h1 .state[data-state="sanction_proposed"]')
        assert page.locator("h1 .state").inner_text() == words["state"]
        with schema_context(SLUG):
            moved = Violation.objects.get(pk=violation.pk)
        assert moved.status == "sanction_proposed"
        assert moved.sanction == "Ескерту / Замечание: мерзімді бұзғаны үшін"

        page.get_by_role("link", name=violation.person.full_name).first.click()
        page.wait_for_url(f"**/console/violations/people/{violation.person_id}/")
        assert page.locator(f'tr[data-violation="{violation.pk}"]').count() == 1
        screenshot(page, f"lawyer-person-{language}")

        page.goto(host_url(SLUG, f"/console/violations/{violation.pk}/"))
        page.get_by_role("link", name=words["act"]).click()
        page.wait_for_url(f"**/console/violations/{violation.pk}/act")
        page.emulate_media(media="print")
        assert page.locator("header.top").is_hidden()  # the print stylesheet: the act alone
        assert page.locator(".act h1").inner_text() == words["title"]
        screenshot(page, f"lawyer-act-{language}")

        page.emulate_media(media="screen")
        page.set_viewport_size(PHONE)
        page.goto(host_url(SLUG, f"/console/violations/{violation.pk}/"))
        assert too_wide(page) == []  # nothing makes the phone scroll sideways
        screenshot(page, f"lawyer-violation-phone-{language}")
    finally:
        page.context.close()
