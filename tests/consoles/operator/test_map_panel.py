"""The intake page's map panel: the caller's address found by a misspelt Kazakh or Russian street,
the outage on the picked house with one action that links the call (no second work order), the
house's card; objectKey from the picked address; permissions; query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from appeals.models import Appeal
from citymap.models import AppealObject, OutageLink
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.citymap.test_outages import heating_outage

HEATED_HOUSE = "building:abaya-1"
HOUSE_12A = "building:abaya-12\u0430"  # a Cyrillic letter, as houses are stored


def operator(language: str) -> Client:
    client = logged_in(user_with_roles(f"map-op-{language}", "operator"))
    client.cookies["django_language"] = language
    return client


# session, user, roles; the search (one statement)
ADDRESSES_QUERIES = 4


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [("kk", "Абаи кошеси 12а", "Табылған мекенжайлар"), ("ru", "улица Абяа 12 А", "Найденные адреса")],
)
def test_a_misspelt_street_finds_the_house(city, language, typed, said):
    client = operator(language)
    client.get("/console/intake/addresses")  # warm: the akimat by its host, once a process
    with exact_queries(ADDRESSES_QUERIES):
        page = client.get("/console/intake/addresses", {"address": typed})
    text = page.content.decode()
    assert page.status_code == 200 and said in text
    first = text.index('class="address-choice"')
    assert f'data-key="{city[HOUSE_12A].key}"' in text[first : first + 400]
    assert f'data-id="{city[HOUSE_12A].pk}"' in text


def test_nothing_alike_says_so(city):
    text = operator("kk").get("/console/intake/addresses", {"address": "Zzzqqq 1"}).content.decode()
    assert "Картада мұндай мекенжай табылмады." in text


# session, user, roles; the card's six (object, figures, open and repeated appeals, outages, works,
# suppliers); the outages at the house (one statement)
PLACE_QUERIES = 3 + 6 + 1


def test_the_outage_panel_appears_at_a_house_inside_an_outage(city):
    outage = heating_outage(city, cause="Т-1 жылу трассасының жарылуы / Порыв теплотрассы Т-1")
    client = operator("ru")
    client.get("/console/intake/place")  # warm: the akimat by its host, once a process
    with exact_queries(PLACE_QUERIES):
        page = client.get("/console/intake/place", {"object": city[HEATED_HOUSE].pk})
    text = page.content.decode()
    assert page.status_code == 200
    assert "По этому адресу известное отключение" in text
    assert "<p>Порыв теплотрассы Т-1</p>" in text and "жарылуы" not in text  # the screen's half
    assert f"/console/intake/outages/{outage.pk}/link" in text
    assert "osi-test ru" in text  # the house's responsible organisation, on its card
    kk = operator("kk").get("/console/intake/place", {"object": city[HEATED_HOUSE].pk}).content.decode()
    assert "Бұл мекенжайда белгілі өшіру бар" in kk and "По этому адресу" not in kk
    assert "<p>Т-1 жылу трассасының жарылуы</p>" in kk and "Порыв" not in kk


def test_a_house_outside_the_outage_has_only_its_card(city):
    heating_outage(city)
    client = operator("ru")
    client.get("/console/intake/place")  # warm: the akimat by its host, once a process
    with exact_queries(PLACE_QUERIES):
        text = client.get(
            "/console/intake/place", {"object": city["building:zhumabaeva-5"].pk}
        ).content.decode()
    assert "отключение" not in text and "Ответственный" in text


def test_linking_calls_makes_one_work_order(city):
    outage = heating_outage(city)
    client = operator("ru")
    house = city[HEATED_HOUSE].pk
    # Other tests' committed appeals may share the akimat: this test counts its own.
    work_orders_before = Appeal.objects.filter(organisation__isnull=False).count()
    first = client.post(
        f"/console/intake/outages/{outage.pk}/link",
        {"object_id": house, "phone": "8 705 111 22 33", "name": "Айгерим", "language": "kk"},
    )
    assert first.status_code == 200 and first["HX-Trigger"] == "call-linked"
    assert "Это первый звонок об отключении" in first.content.decode()
    second = client.post(
        f"/console/intake/outages/{outage.pk}/link", {"object_id": house, "phone": "+77052223344"}
    )
    lead = Appeal.objects.get(applicant_phone="+77051112233")
    text = second.content.decode()
    assert f"заявителю перезвонят по обращению №{lead.number}" in text
    repeat = Appeal.objects.get(applicant_phone="+77052223344")
    assert repeat.parent_id == lead.pk and repeat.status == "cancelled"
    assert Appeal.objects.filter(organisation__isnull=False).count() == work_orders_before + 1  # one
    assert OutageLink.objects.filter(outage=outage).count() == 2
    assert AppealObject.objects.get(appeal=repeat).map_object_id == house


def test_a_bad_phone_is_said_in_the_screens_language(city):
    outage = heating_outage(city)
    appeals_before = Appeal.objects.count()  # other tests' committed appeals may share the akimat
    answer = operator("kk").post(
        f"/console/intake/outages/{outage.pk}/link", {"object_id": city[HEATED_HOUSE].pk, "phone": "12"}
    )
    text = answer.content.decode()
    assert answer.status_code == 400 and 'class="error"' in text
    assert Appeal.objects.count() == appeals_before and not OutageLink.objects.exists()


def test_the_picked_address_links_the_appeal_and_an_unknown_key_is_refused(city):
    client = operator("ru")
    data = {
        "channel": "landline",
        "phone": "8 705 123 45 67",
        "description": "Течёт крыша",
        "client_key": "map-1",
        "address": "ул. Абая, 12а",
        "object_key": city[HOUSE_12A].key,
        "category": "",
        "register": "",
    }
    assert client.post("/console/intake/", data).status_code == 302
    appeal = Appeal.objects.get(client_key="map-1")
    assert AppealObject.objects.get(appeal=appeal).map_object_id == city[HOUSE_12A].pk
    refused = client.post(
        "/console/intake/", {**data, "client_key": "map-2", "object_key": "building:nowhere"}
    )
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "на карте нет такого объекта" in text and "картада" not in text


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/console/intake/addresses?address=Абая", "get"),
        ("/console/intake/place?object=1", "get"),
        ("/console/intake/outages/1/link", "post"),
    ],
)
def test_the_panel_checks_the_matrix(city, path, method):
    analyst = logged_in(user_with_roles("map-analyst", "analyst"))
    assert getattr(analyst, method)(path).status_code == 403
    assert getattr(Client(HTTP_HOST="petropavlovsk.localhost"), method)(path).status_code == 302
