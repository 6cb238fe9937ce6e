"""The phone rings: within a second the operator sees the caller and their earlier appeals, takes
the call into a draft that survives a reload, pins the place, picks the category by a word in
either language, saves a routed appeal, and links it as a repeat of the earlier one."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from django.conf import settings
from django_tenants.utils import schema_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.actions.telephony import set_exchange_secret
from appeals.models import Appeal
from testkit.browser import screenshot
from testkit.identities import principal
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import own_spot, unique_phone

SECRET = "exchange-secret-for-browser-tests"
WORDS = {
    "kk": {"search": "жылу", "take": "Қоңырауды қабылдау", "save": "Өтінішті сақтау"},
    "ru": {"search": "отоплен", "take": "Принять звонок", "save": "Сохранить обращение"},
}


def ring(phone: str) -> dict:
    port = settings.IKOMEK_PUBLIC_PORT
    answer = requests.post(
        f"http://127.0.0.1:{port}/telephony/incoming-call",
        json={"caller": phone, "callId": uuid.uuid4().hex, "line": "109"},
        headers={"Host": f"petropavlovsk.{settings.BASE_DOMAIN}:{port}", "X-Exchange-Secret": SECRET},
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_call_becomes_a_routed_appeal_linked_as_a_repeat(
    browser, committed_db, onboarded, person, language
):
    phone = unique_phone()
    near = own_spot(onboarded["petropavlovsk"])  # no other test's appeal to propose as a repeat
    with schema_context("petropavlovsk"):
        set_exchange_secret(f"browser-tests-{language}", SECRET)
        earlier = actions.create_appeal(
            principal(Role.OPERATOR, name="earlier"),
            AppealInput(
                channel="landline",
                description="Батарея суық / Холодные батареи",
                applicant_phone=phone,
                longitude=near[0],
                latitude=near[1],
                category_code="heating",
            ),
        ).appeal

    page = sign_in(browser, person(Role.OPERATOR), language=language)
    page.goto(page.url.split("/console/")[0] + "/console/intake/")
    page.wait_for_selector("#calls", state="attached")
    rang = time.monotonic()
    ring(phone)
    page.wait_for_selector(f'.popup:has-text("{phone}")', timeout=3000)
    assert time.monotonic() - rang < 1.5  # polled every second; the issue asks for 1 s
    assert page.locator(f'.popup a:has-text("№{earlier.number}")').count() == 1
    screenshot(page, f"operator-caller-id-{language}")
    page.wait_for_timeout(2500)  # the pop-up stays while the poll finds no newer call
    assert page.locator(f'.popup:has-text("{phone}")').count() == 1
    page.get_by_role("link", name=WORDS[language]["take"]).click()
    page.wait_for_url("**/console/intake/?phone=*")
    assert page.input_value("#id_phone") == phone

    page.fill("#category-search", WORDS[language]["search"])
    page.locator('button.choice[data-code="heating"]').click()
    page.evaluate(
        "([lat, lon]) => window.ikomekIntakeMap.fire('click', {latlng: L.latLng(lat, lon)})",
        [near[1] + 0.0002, near[0]],
    )
    description = f"Батареялар суық {uuid.uuid4().hex[:6]}"
    page.fill("#id_description", description)
    page.wait_for_selector(f'#repeats a:has-text("№{earlier.number}")')  # proposed while typing
    client_key = page.input_value("#id_client_key")

    page.reload()  # the draft survives, with its client key
    assert page.input_value("#id_description") == description
    assert page.input_value("#id_client_key") == client_key
    assert page.input_value("#id_category") == "heating"
    screenshot(page, f"operator-intake-draft-{language}")
    page.get_by_role("button", name=WORDS[language]["save"]).click()
    page.wait_for_url("**/console/appeals/*/")
    number = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with schema_context("petropavlovsk"):
        created = Appeal.objects.select_related("organisation").get(number=number)
        assert created.status == "assigned" and created.organisation is not None  # routed
        assert Appeal.objects.filter(client_key=client_key).count() == 1

    screenshot(page, f"operator-repeat-proposed-{language}")
    page.locator(f'button[data-link="{earlier.number}"]').click()
    page.wait_for_url(f"**/console/appeals/{number}/")
    with schema_context("petropavlovsk"):
        linked = Appeal.objects.get(number=number)
        assert linked.parent_id == earlier.pk
    page.context.close()


@pytest.mark.browser
def test_a_second_call_is_saved_as_a_repeat_from_the_form_and_goes_to_nobody(
    browser, committed_db, onboarded, person
):
    near = own_spot(onboarded["petropavlovsk"])
    with schema_context("petropavlovsk"):
        first = actions.create_appeal(
            principal(Role.OPERATOR, name="first"),
            AppealInput(
                channel="landline",
                description="Батарея суық / Холодные батареи",
                applicant_phone=unique_phone(),
                longitude=near[0],
                latitude=near[1],
                category_code="heating",
                register=True,
            ),
        ).appeal

    page = sign_in(browser, person(Role.OPERATOR), language="ru")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page.url.split("/console/")[0] + "/console/intake/")
    page.fill("#id_phone", unique_phone())
    page.fill("#category-search", WORDS["ru"]["search"])
    page.locator('button.choice[data-code="heating"]').click()
    page.evaluate(
        "([lat, lon]) => window.ikomekIntakeMap.fire('click', {latlng: L.latLng(lat, lon)})",
        [near[1] + 0.0002, near[0]],
    )
    page.fill("#id_description", "Во всём подъезде холодно")
    client_key = page.input_value("#id_client_key")
    page.get_by_role("button", name=f"Сохранить как повтор №{first.number}").click()
    page.wait_for_url("**/console/appeals/*/")
    with schema_context("petropavlovsk"):
        saved = Appeal.objects.get(client_key=client_key)
        assert saved.parent_id == first.pk and saved.status == "cancelled" and saved.organisation_id is None
    assert page.url.endswith(f"/console/appeals/{saved.number}/") and errors == []
    page.context.close()
