"""A caller reports no heating: the operator finds the house by a misspelt Kazakh street name, sees
the open outage on it the moment the address is picked, and links the call in one action (a repeat
of the outage's work order, no second one). The test's own map objects are removed afterwards:
with any object on the map, every other test's objectKey would be checked against it."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.roles import Role
from appeals.models import Appeal
from citymap.models import OutageLink
from citymap.outages.actions import CallInput, OutageInput, declare_outage, link_call
from testkit.browser import screenshot
from testkit.identities import principal
from tests.consoles.browser.conftest import sign_in
from tests.consoles.browser.own import own_house, own_organisation, own_spot, remove_map, unique_phone

WORDS = {
    "kk": {
        "panel": "Бұл мекенжайда белгілі өшіру бар",
        "link": "Қоңырауды осы өшіруге байланыстыру",
        "done": "Жаңа жұмыс тапсырмасы жасалмады",
    },
    "ru": {
        "panel": "По этому адресу известное отключение",
        "link": "Привязать звонок к этому отключению",
        "done": "Новый наряд не создан",
    },
}
OPERATOR = principal(Role.OPERATOR, name="outage-browser")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_operator_links_a_call_to_the_open_outage(browser, committed_db, onboarded, person, language):
    slug = "petropavlovsk"
    house = str(900 + uuid.uuid4().int % 90)  # the test's own house number on the street
    organisation = own_organisation(slug)
    building_id = own_house(onboarded[slug], own_spot(onboarded[slug]), organisation, house)
    try:
        now = timezone.now()
        with schema_context(slug):
            outage = declare_outage(
                OPERATOR,
                OutageInput(
                    kind="heating",
                    nature="emergency",
                    cause=f"Жылу трассасының жарылуы / Порыв теплотрассы {house}",
                    starts_at=now - datetime.timedelta(hours=1),
                    expected_end_at=now + datetime.timedelta(hours=6),
                    building_ids=[building_id],
                    organisation_code=organisation,
                ),
            )
            first = link_call(
                OPERATOR, outage.pk, call=CallInput(phone=unique_phone(), building_id=building_id)
            )

        page = sign_in(browser, person(Role.OPERATOR), language=language)
        page.goto(page.url.split("/console/")[0] + "/console/intake/")
        phone = unique_phone()
        page.fill("#id_phone", phone)
        page.fill("#id_description", "Батарея суық / Холодные батареи")
        # Misspelt and typed on a Russian keyboard: "Сейфулин" for Сейфуллин, "кошеси" for көшесі.
        page.fill("#id_address", f"Сейфулин кошеси {house}")
        choice = page.locator(f'button.address-choice[data-id="{building_id}"]')
        choice.wait_for()
        assert page.locator("button.address-choice").first.get_attribute("data-id") == str(building_id)
        choice.click()
        page.wait_for_selector(f'.outage-panel:has-text("{WORDS[language]["panel"]}")')
        assert page.input_value("#id_object_key").startswith("building:browser-")
        screenshot(page, f"operator-outage-panel-{language}")
        page.get_by_role("button", name=WORDS[language]["link"]).click()
        page.wait_for_selector(f'#outage-linked:has-text("{WORDS[language]["done"]}")')
        assert page.get_by_role(
            "button", name="Өтінішті сақтау" if language == "kk" else "Сохранить обращение"
        ).is_disabled()
        screenshot(page, f"operator-outage-linked-{language}")
        with schema_context(slug):
            call = Appeal.objects.get(applicant_phone=phone)
            assert call.parent_id == first.appeal.pk and call.status == "cancelled"  # a repeat
            assert OutageLink.objects.filter(outage=outage).count() == 2
            assert Appeal.objects.filter(organisation__code=organisation).count() == 1  # one work order
        page.context.close()
    finally:
        remove_map(slug, building_id)
