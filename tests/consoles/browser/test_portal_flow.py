"""A citizen sends an appeal from a phone on the akimat's `/appeal/` page in a real browser
(decision 100): comes from the public page, picks a topic and describes the problem, forgets the
phone (refused next to the field, in the screen's language, nothing typed lost; the language
switched there and back keeps the form), puts the place on
the map (Kazakh: the phone's own position; Russian: a tap on the map), adds a photo (kept with the
form through the refusal and listed by name, decision 109), sends it again with the photo it kept,
gets the number and the access code, and follows the appeal with them. Once in Kazakh, once in
Russian."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from appeals.models import Appeal, KeptPhoto
from testkit.browser import PHONE, host_url, screenshot, too_wide
from tests.consoles.browser.own import forget_portal_appeals_of_this_machine, own_spot, unique_phone

SLUG = "petropavlovsk"
PHOTO = {"name": "podezd.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}
WORDS = {
    "kk": {
        "send": "Өтініш жіберу",
        "topic": "Жылумен жабдықтау",
        "phone_required": "Телефон нөмірін енгізіңіз",
        "sent": "Өтініш жіберілді",
        "located": "Сіздің орныңыз белгіленді.",
        "received": "Қабылданды",
        "kept": "Осы формамен сақталды",
        "more": "Тағы фотосуреттер (міндетті емес, 2 дейін)",
        "more_3": "Тағы фотосуреттер (міндетті емес, 3 дейін)",
        "too_many": "Фотосуреттер тым көп: сақталғандарымен қоса ең көбі 3.",
    },
    "ru": {
        "send": "Отправить обращение",
        "topic": "Отопление",
        "phone_required": "Укажите номер телефона",
        "sent": "Обращение отправлено",
        "located": "Отметка поставлена.",  # a tap, not the phone's position
        "received": "Принято",
        "kept": "Сохранены с этой формой",
        "more": "Ещё фото (необязательно, до 2)",
        "more_3": "Ещё фото (необязательно, до 3)",
        "too_many": "Слишком много фото: всего не больше 3, вместе с сохранёнными.",
    },
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_citizen_sends_an_appeal_from_a_phone_and_follows_it(browser, committed_db, onboarded, language):
    words = WORDS[language]
    forget_portal_appeals_of_this_machine(SLUG)
    longitude, latitude = own_spot(onboarded[SLUG])
    phone = unique_phone()
    context = browser.new_context(
        viewport=PHONE,
        locale=language,
        geolocation={"latitude": latitude, "longitude": longitude, "accuracy": 20},
        permissions=["geolocation"],
    )
    page = context.new_page()
    try:
        page.goto(host_url(SLUG, "/"))
        page.get_by_role("link", name=words["send"]).click()
        page.wait_for_url("**/appeal/")
        expect(page.locator("h1")).to_have_text(words["send"])
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("#map")).to_be_visible()  # the map works with no tiles and no internet
        assert page.evaluate("document.activeElement.id") == "description"
        screenshot(page, f"portal-form-{language}")

        page.select_option("#category", "medical")  # an emergency's topic: call 112, said at once
        expect(page.locator("#emergency-topic")).to_be_visible()
        expect(page.locator('#emergency-topic a[href="tel:112"]')).to_be_visible()
        page.select_option("#category", label=words["topic"])
        expect(page.locator("#emergency-topic")).to_be_hidden()
        page.fill("#description", "Батареи холодные / Холодные батареи в квартире")
        page.fill("#address", "ул. Абая, 10")
        if language == "kk":
            page.locator("#here").click()  # the phone's own position
        else:  # a tap on the map where the problem is
            page.evaluate(
                "([lat, lon]) => window.ikomekPortalMap.setView([lat, lon], 15)", [latitude, longitude]
            )
            point = page.evaluate(
                "([lat, lon]) => { const p = window.ikomekPortalMap.latLngToContainerPoint([lat, lon]);"
                " return [p.x, p.y]; }",
                [latitude, longitude],
            )
            page.locator("#map").click(position={"x": point[0], "y": point[1]})
        expect(page.locator("#where")).to_have_text(words["located"])
        # The pin is named in the screen's language (Leaflet's own alt is English), no Tab stop.
        pin = page.locator("#map .leaflet-marker-icon")
        expect(pin).to_have_attribute("alt", {"kk": "Өтініш белгісі", "ru": "Метка обращения"}[language])
        assert pin.get_attribute("tabindex") in (None, "-1")
        expect(page.locator("#photo-pick")).to_be_visible()  # ours, in the screen's language
        page.set_input_files("#photo", files=[PHOTO])
        expect(page.locator("#photo-chosen")).to_contain_text("1")
        page.locator("form.portal button:not([type])").click()

        # No phone: refused next to the field, everything typed kept.
        error = page.locator('#phone-error[data-code="required"]')
        expect(error).to_contain_text(words["phone_required"])
        expect(page.locator("#description")).to_have_value("Батареи холодные / Холодные батареи в квартире")
        expect(page.locator("#phone")).to_be_focused()
        assert page.locator("#latitude").input_value() != ""  # the pin too
        assert too_wide(page) == []
        screenshot(page, f"portal-refused-{language}")

        # The photo is kept with the form (a browser cannot be given files back): listed by its
        # name, with a box to leave it out; nothing to choose again.
        expect(page.locator("#kept-photos .kept-name")).to_have_text([PHOTO["name"]])
        expect(page.locator("#kept-photos")).to_contain_text(words["kept"])
        expect(page.locator("#photos-lost")).to_have_count(0)
        expect(page.locator("label[for=photo]")).to_have_text(words["more"])
        # The language switched there and back: the same form, what was typed and the kept photo.
        described = page.locator("#description").input_value()
        for shown in ("ru" if language == "kk" else "kk", language):
            page.locator("#lang-switch").click()
            expect(page.locator("html")).to_have_attribute("lang", shown)
            expect(page.locator("#description")).to_have_value(described)
            expect(page.locator("#kept-photos .kept-name")).to_have_text([PHOTO["name"]])
            assert page.locator("#latitude").input_value() != "" and page.locator("#address").input_value()
        expect(page.locator("label[for=photo]")).to_have_text(words["more"])
        page.locator("#phone").type(phone.replace("+7", "8 "))
        page.set_input_files("#photo", files=[PHOTO, PHOTO, PHOTO])  # three more than two: said at once
        expect(page.locator("#photo-chosen")).to_have_text(words["too_many"])
        page.locator("form.portal button:not([type])").click()  # not sent: the server would refuse it
        expect(page.locator("#photo-pick")).to_be_focused()
        expect(page.locator("#kept-photos .kept-name")).to_have_text([PHOTO["name"]])
        page.locator("#kept-photos input[name=drop_photo]").check()  # one kept left out: three fit
        expect(page.locator("#photo-chosen")).to_contain_text("3")
        expect(page.locator("label[for=photo]")).to_have_text(words["more_3"])
        page.locator("#kept-photos input[name=drop_photo]").uncheck()
        expect(page.locator("label[for=photo]")).to_have_text(words["more"])
        page.set_input_files("#photo", files=[])
        page.locator("form.portal button:not([type])").click()
        expect(page.locator("h1")).to_have_text(words["sent"])
        number = int(page.locator("#receipt-number").inner_text())
        code = page.locator("#receipt-code").inner_text()
        expect(page.locator("#receipt-photos")).to_have_text("1")
        assert phone not in page.content()
        assert too_wide(page) == []
        screenshot(page, f"portal-receipt-{language}")

        with schema_context(SLUG):
            appeal = Appeal.objects.select_related("category").get(number=number)
            assert [a.original_name for a in appeal.attachments.all()] == [PHOTO["name"]]
            assert not KeptPhoto.objects.filter(form_key=appeal.client_key).exists()
        assert (appeal.channel, appeal.status, appeal.applicant_phone) == ("web", "received", phone)
        assert appeal.applicant_language == language and appeal.category.code == "heating"
        assert appeal.location.distance(appeal.location.__class__(longitude, latitude, srid=4326)) < 0.001
        assert code.replace("-", "") == appeal.access_code

        page.locator("form.follow button").click()
        expect(page.locator('.tracked .status[data-status="received"]')).to_have_text(words["received"])
    finally:
        context.close()
