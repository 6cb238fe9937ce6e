"""What crosses an akimat's boundary, in real browsers with a real Celery worker carrying the messages:

- the operator forwards an emergency: an emergency category on the intake form asks once and the
  appeal goes to 112 at once; the 112 dispatcher sees it on `/112/` without reloading, accepts it
  and dispatches a unit, and the operator's appeal page shows each 112 status with its time (once
  the operator in Kazakh and the dispatcher in Russian, once the other way round);
- the operator transfers an appeal to Kyzylzhar from its page; Kyzylzhar's answer (its number and
  status) comes back into the transfer chain, and Kyzylzhar's operator sees where it came from.

Screenshots of the appeal page in both languages."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from accounts.models import StaffProfile
from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.models import Appeal, EmergencyForward
from federation.emergency_112.models import Incident
from testkit.browser import host_url, screenshot
from testkit.identities import principal
from testkit.processes import celery_worker, wait_until
from tests.consoles.browser.conftest import choose_language, sign_in
from tests.federation.emergency_112.conftest import WORKER_ENV
from tests.regional.helpers import forget_committed_appeals

NEAR = (69.1450, 54.8720)  # Petropavlovsk, inside the city
IN_KYZYLZHAR = (69.30, 54.80)  # Kyzylzhar District, just east of the city
WORDS = {
    "kk": {
        "search": "өрт",
        "save": "Өтінішті сақтау",
        "forwarded": "112-ге жіберілді",
        "dispatched": "Күштер жіберілді",
        "kyzylzhar": "Қызылжар ауданы",
        "petropavlovsk": "Петропавл",
        "received": "Қабылданды",
        "sent_here": "бізге жіберді",
    },
    "ru": {
        "search": "пожар",
        "save": "Сохранить обращение",
        "forwarded": "Передано в 112",
        "dispatched": "Направлены силы",
        "kyzylzhar": "Кызылжарский район",
        "petropavlovsk": "Петропавловск",
        "received": "Принято",
        "sent_here": "передал нам",
    },
}
PEOPLE = (
    ("petropavlovsk", "operator.petropavlovsk"),
    ("kyzylzhar", "operator.kyzylzhar"),
    ("public", "dispatcher-112"),
)


@pytest.fixture(scope="module")
def relay(web, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """A real Celery worker for the module: the federation's relay between the akimats and the region.
    Afterwards the appeals of Petropavlovsk and Kyzylzhar (forwarded to 112, transferred, received)
    and the read model's rows the worker wrote are wiped: other tests count the akimat's 112 records
    and the region's figures."""
    log = tmp_path_factory.mktemp("relay") / "worker.log"
    with celery_worker(log, env=WORKER_ENV):
        assert wait_until(lambda: log.exists() and " ready." in log.read_text(), timeout=60), log.read_text()
        yield log
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        forget_committed_appeals("petropavlovsk", "kyzylzhar")


@pytest.fixture
def languages_forgotten(committed_db) -> Iterator[None]:
    """These people's language choices are undone afterwards: other browser tests sign them in and
    expect their browser's language."""
    yield
    for schema, username in PEOPLE:
        with schema_context(schema):
            StaffProfile.objects.filter(user__in=User.objects.filter(username=username)).update(language="")


def eventually(check: Callable[[], bool], what: str, log: Path, timeout: float = 30) -> None:
    assert wait_until(check, timeout=timeout), f"{what}\n{log.read_text()[-3000:]}"


def reload_until(page: object, selector: str, log: Path, timeout: float = 30) -> None:
    """The appeal page is not live: reload it until the worker's message shows."""

    def shown() -> bool:
        page.reload()
        return page.locator(selector).count() > 0

    eventually(shown, f"{selector} never showed on {page.url}", log, timeout)


@pytest.mark.browser
@pytest.mark.parametrize(("operator_language", "dispatcher_language"), [("kk", "ru"), ("ru", "kk")])
def test_the_operator_forwards_an_emergency_and_the_dispatchers_status_comes_back(
    browser, committed_112, relay, languages_forgotten, operator_language, dispatcher_language
):
    words = WORDS[operator_language]
    operator = sign_in(browser, "operator.petropavlovsk", language=dispatcher_language)
    choose_language(operator, operator_language)
    operator.goto(host_url("petropavlovsk", "/console/intake/"))
    phone = f"+7705{uuid.uuid4().int % 10_000_000:07d}"
    description = f"Подъезде түтін, дым на лестнице {uuid.uuid4().hex[:6]}"
    operator.fill("#id_phone", phone)
    operator.fill("#id_address", "ул. Интернациональная, 41")
    operator.fill("#category-search", words["search"])
    fire = operator.locator('button.choice[data-code="fire"]')
    fire_name = fire.get_attribute("data-name")
    fire.click()
    operator.evaluate(
        "([lat, lon]) => window.ikomekIntakeMap.fire('click', {latlng: L.latLng(lat, lon)})",
        [NEAR[1], NEAR[0]],
    )
    questions: list[str] = []

    def answer(dialog: object) -> None:
        questions.append(dialog.message)
        dialog.accept()

    operator.on("dialog", answer)
    # Saved without a description: refused, the category still shown by its name, and the next
    # save asks again (the question was answered for a save that did not happen).
    operator.get_by_role("button", name=words["save"]).click()
    operator.locator("#id_description-error").wait_for()
    assert operator.locator("#category-chosen").inner_text() == fire_name
    operator.fill("#id_description", description)
    operator.get_by_role("button", name=words["save"]).click()
    operator.wait_for_url("**/console/appeals/*/")
    assert len(questions) == 2 and all("112" in question for question in questions)
    number = int(operator.url.rstrip("/").rsplit("/", 1)[1])
    # Forwarded in the same step; the urgent lane may already have brought 112's receipt back.
    status = operator.locator("[data-emergency-status]").get_attribute("data-emergency-status")
    assert status in {"forwarded", "received"}, status
    assert words["forwarded"] in operator.locator(".emergency").inner_text()

    # The relay carries it to the region's register; 112's "received" comes back.
    reload_until(operator, '[data-emergency-status="received"]', relay)

    dispatcher = sign_in(browser, "dispatcher-112", slug=None, language=operator_language)
    dispatcher.wait_for_url("**/112/")
    choose_language(dispatcher, dispatcher_language)
    with schema_context("public"):
        incident = Incident.objects.get(source_schema="petropavlovsk", appeal_number=str(number))
    row = dispatcher.locator(f'#open tr[data-id="{incident.pk}"]')  # also in the strip of new ones
    row.wait_for()
    assert "awaiting" in row.get_attribute("class") and phone in row.inner_text()
    with dispatcher.expect_navigation():
        dispatcher.click(f"#acknowledge-{incident.pk}-button")
    unit = dispatcher.locator(f"#dispatch-{incident.pk}")
    unit.fill("ПЧ-1, АЦ-40")
    with dispatcher.expect_navigation():
        unit.press("Enter")
    assert "ПЧ-1, АЦ-40" in row.inner_text()
    dispatcher.context.close()

    # The dispatcher's statuses reach the operator's appeal page, each with its time.
    reload_until(operator, '[data-emergency-status="dispatched"]', relay)
    section = operator.locator(".emergency")
    assert words["dispatched"] in section.inner_text() and "ПЧ-1, АЦ-40" in section.inner_text()
    reached = section.locator("li.reached")
    assert [reached.nth(i).get_attribute("data-stage") for i in range(reached.count())] == [
        "forwarded",
        "received",
        "acknowledged",
        "dispatched",
    ]
    assert all(reached.nth(i).locator("time").count() == 1 for i in range(reached.count()))
    screenshot(operator, f"operator-appeal-112-{operator_language}")
    with schema_context("petropavlovsk"):
        forward = EmergencyForward.objects.get(appeal__number=number)
        assert (forward.status, forward.unit) == ("dispatched", "ПЧ-1, АЦ-40")
        assert Appeal.objects.get(number=number).status == "forwarded_112"
    operator.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_operator_transfers_an_appeal_and_the_chain_shows_the_answer(
    browser, committed_112, relay, languages_forgotten, onboarded, language
):
    words = WORDS[language]
    with tenant_context(onboarded["petropavlovsk"]):  # its boundary decides the proposal
        appeal = actions.create_appeal(
            principal(Role.OPERATOR, name="earlier"),
            AppealInput(
                channel="landline",
                description=f"Прорыв трубы на трассе {uuid.uuid4().hex[:6]}",
                applicant_phone="+77051112233",
                longitude=IN_KYZYLZHAR[0],
                latitude=IN_KYZYLZHAR[1],
                category_code="cold-water",
            ),
        ).appeal
        appeal.refresh_from_db()
    assert appeal.transfer_proposal == "kyzylzhar"

    page = sign_in(browser, "operator.petropavlovsk", language="ru" if language == "kk" else "kk")
    choose_language(page, language)
    page.goto(host_url("petropavlovsk", f"/console/appeals/{appeal.number}/"))
    transfer = page.locator('form[data-step="transfer"]')
    assert transfer.locator("input[name=akimat]").input_value() == "kyzylzhar"  # the proposal
    transfer.locator("input[name=reason]").fill("Участок трассы на территории района")
    transfer.get_by_role("button").click()
    page.wait_for_selector('.status[data-status="transferred"]')

    # Kyzylzhar takes it in and its answer (its number, its status) comes back into the chain.
    reload_until(page, 'tr[data-link="to"] td:has-text("№")', relay)
    to = page.locator('tr[data-link="to"]').inner_text()
    with schema_context("kyzylzhar"):
        received = Appeal.objects.get(transferred_from="petropavlovsk", origin_number=appeal.number)
    assert words["kyzylzhar"] in to and f"№{received.number}" in to and words["received"] in to
    screenshot(page, f"operator-appeal-transfer-{language}")
    page.context.close()

    # Kyzylzhar's operator sees where it came from.
    kyzylzhar = sign_in(browser, "operator.kyzylzhar", slug="kyzylzhar", language=language)
    choose_language(kyzylzhar, language)
    kyzylzhar.goto(host_url("kyzylzhar", f"/console/appeals/{received.number}/"))
    came = kyzylzhar.locator('tr[data-link="from"]').inner_text()
    assert words["petropavlovsk"] in came and f"№{appeal.number}" in came and words["sent_here"] in came
    screenshot(kyzylzhar, f"operator-appeal-transferred-in-{language}")
    kyzylzhar.context.close()
