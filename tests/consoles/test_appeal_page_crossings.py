"""The operator's appeal page shows what crossed the akimat's boundary: the appeal's way through 112
(status, services, each stage with its time) and its transfer chain between akimats (where it came
from, where it went, its number and status there, since when), in the screen's language; and the
page costs a fixed number of queries with and without them."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import EmergencyUpdate, TransferredAppeal
from appeals.models import Appeal
from testkit.identities import logged_in, principal, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import OPERATOR, appeal_in, intake

DISPATCHER = principal(Role.DISPATCHER_112, name="dispatcher", tenant=None)
ALMATY = datetime.timezone(datetime.timedelta(hours=5))


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def operator(language: str) -> Client:
    client = logged_in(user_with_roles(f"page-op-{uuid.uuid4().hex[:8]}", "operator"))
    client.cookies["django_language"] = language
    return client


def section(html: str, css: str) -> str:
    found = re.search(rf'<section class="{css}".*?</section>', html, re.S)
    return found.group(0) if found else ""


def acknowledged_by_112(appeal: Appeal) -> datetime.datetime:
    """112's answers as the region sends them back: received, then acknowledged a minute later."""
    received = datetime.datetime(2026, 3, 5, 10, 15, 30, tzinfo=ALMATY)
    acknowledged = received + datetime.timedelta(minutes=1)
    update = EmergencyUpdate(
        status="acknowledged",
        incident_id=f"urn:emergency:uid:incidentid:{appeal.number}:test",
        at=acknowledged,
        received_at=received,
        acknowledged_at=acknowledged,
    )
    actions.apply_112_status(DISPATCHER, appeal.number, update)
    return acknowledged


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "kk",
            [
                "112-де",
                "112 қабылдады",
                "101 өрт сөндіру",
                "05.03.2026 10:15:30",
                "05.03.2026 10:16:30",
                "әлі жоқ",
            ],
        ),
        (
            "ru",
            [
                "В 112",
                "Принято 112",
                "101 пожарная служба",
                "05.03.2026 10:15:30",
                "05.03.2026 10:16:30",
                "ещё нет",
            ],
        ),
    ],
)
def test_the_112_status_with_the_time_of_each_stage(inside, language, words):
    appeal = intake(category="fire")  # an emergency category: forwarded at intake
    acknowledged_by_112(appeal)
    html = operator(language).get(f"/console/appeals/{appeal.number}/").content.decode()
    emergency = section(html, "emergency")
    for word in words:
        assert word in emergency, word
    assert 'data-emergency-status="acknowledged"' in emergency
    reached = re.findall(r'<li data-stage="(\w+)" class="reached">', emergency)
    assert reached == ["forwarded", "received", "acknowledged"]
    assert '<li data-stage="closed">' in emergency  # still to come
    other = "Принято 112" if language == "kk" else "112 қабылдады"
    assert other not in html


def test_a_rejection_by_112_shows_the_note_and_no_later_stages(inside):
    appeal = intake(category="fire")
    at = timezone.now()
    update = EmergencyUpdate(
        status="rejected",
        incident_id="urn:x",
        at=at,
        rejection_note="Не ЧС: мусорный бак потушили жильцы",
        received_at=at,
        finished_at=at,
    )
    actions.apply_112_status(DISPATCHER, appeal.number, update)
    emergency = section(
        operator("ru").get(f"/console/appeals/{appeal.number}/").content.decode(), "emergency"
    )
    assert "Почему не экстренный" in emergency and "мусорный бак потушили жильцы" in emergency
    assert re.findall(r'<li data-stage="(\w+)"', emergency) == ["forwarded", "received", "rejected"]


def test_the_transfer_chain_where_it_went_and_its_status_there(inside, tenants):
    appeal = appeal_in("transferred")  # to Kyzylzhar
    html = operator("ru").get(f"/console/appeals/{appeal.number}/").content.decode()
    chain = section(html, "transfers")
    assert '<tr data-link="here" aria-current="true">' in chain and "Петропавловск" in chain
    assert "Кызылжарский район" in chain and "ответа пока нет" in chain

    changed = datetime.datetime(2026, 3, 6, 9, 0, tzinfo=ALMATY)
    actions.record_transfer_progress(
        tenants["kyzylzhar"], appeal.number, number=77, status="in_progress", changed_at=changed
    )
    chain = section(operator("kk").get(f"/console/appeals/{appeal.number}/").content.decode(), "transfers")
    to = re.search(r'<tr data-link="to">(.*?)</tr>', chain, re.S).group(1)
    assert "Қызылжар ауданы" in to and "№77" in to and "Орындалуда" in to and "06.03.2026 09:00" in to
    assert "Кызылжарский" not in chain

    later = changed + datetime.timedelta(hours=2)
    actions.record_transfer_progress(
        tenants["kyzylzhar"],
        appeal.number,
        number=77,
        status="registered",
        changed_at=later,
        handled_by="esil",
        handled_by_number=5,
    )
    chain = section(operator("ru").get(f"/console/appeals/{appeal.number}/").content.decode(), "transfers")
    assert re.findall(r'<tr data-link="(\w+)"', chain) == ["here", "to", "on"]
    on = re.search(r'<tr data-link="on">(.*?)</tr>', chain, re.S).group(1)
    assert "Есильский район" in on and "№5" in on and "Зарегистрировано" in on


def test_the_transfer_chain_where_it_came_from(inside, tenants):
    received = actions.receive_transfer(
        tenants["esil"],
        TransferredAppeal(
            origin_number=314,
            channel="landline",
            description="Нет отопления в школе",
            applicant_phone="+77051234567",
            category_code="heating",
        ),
    )
    chain = section(operator("ru").get(f"/console/appeals/{received.number}/").content.decode(), "transfers")
    assert re.findall(r'<tr data-link="(\w+)"', chain) == ["from", "here"]
    came = re.search(r'<tr data-link="from">(.*?)</tr>', chain, re.S).group(1)
    assert "Есильский район" in came and "№314" in came and "передал нам" in came


def test_an_appeal_that_never_crossed_a_boundary_shows_neither(inside):
    html = operator("ru").get(f"/console/appeals/{intake().number}/").content.decode()
    assert section(html, "emergency") == "" and section(html, "transfers") == ""


# session, user (with the staff profile), roles; the appeal with its category, organisation,
# assignee, parent and 112 record; its events; its files; and then:
ABSENT = 8  # + the repeat candidates (a received appeal); + the akimats a transfer may go to
WITH_112 = 6  # forwarded to 112: no repeat candidates to offer
TRANSFERRED = 7  # transferred: no repeat candidates; + the akimats' names of the chain


def test_the_appeal_page_costs_a_fixed_number_of_queries(inside, tenants):
    client = operator("ru")

    def page(number: int, queries: int) -> str:
        client.get(f"/console/appeals/{number}/")  # warm: the session's first look-ups
        with exact_queries(queries):
            response = client.get(f"/console/appeals/{number}/")
        assert response.status_code == 200
        return response.content.decode()

    assert 'class="emergency"' not in page(intake().number, ABSENT)
    forwarded = intake(category="fire")
    assert 'class="emergency"' in page(forwarded.number, WITH_112)
    acknowledged_by_112(forwarded)
    at_112 = page(forwarded.number, WITH_112)
    assert 'data-emergency-status="acknowledged"' in at_112
    # Forwarding again asks 112 for more services: it is not said as if sending it anew.
    assert "Запросить у 112 ещё службы" in at_112 and "<button>Передача в 112</button>" not in at_112
    transferred = appeal_in("transferred")
    actions.record_transfer_progress(
        tenants["kyzylzhar"],
        transferred.number,
        number=8,
        status="registered",
        changed_at=timezone.now(),
        handled_by="esil",
        handled_by_number=3,
    )
    assert page(transferred.number, TRANSFERRED).count("<tr data-link=") == 3


def test_the_history_says_what_crossed_the_boundary_in_one_language(inside, tenants):
    forwarded = intake(category="fire")
    acknowledged_by_112(forwarded)
    history = (
        operator("kk")
        .get(f"/console/appeals/{forwarded.number}/")
        .content.decode()
        .split('class="history"')[1]
    )
    assert "112 мәртебесі · Dispatcher — 112 қабылдады" in history and "Принято 112" not in history

    transferred = appeal_in("transferred")
    actions.record_transfer_progress(
        tenants["kyzylzhar"], transferred.number, number=9, status="registered", changed_at=timezone.now()
    )
    history = (
        operator("ru")
        .get(f"/console/appeals/{transferred.number}/")
        .content.decode()
        .split('class="history"')[1]
    )
    assert "Кызылжарский район — №9: Зарегистрировано" in history
    assert "Қызылжар" not in history and "Тіркелді" not in history


def test_a_proposed_transfer_is_filled_in_and_its_notice_goes_once_transferred(inside):
    proposed = intake(location=(69.30, 54.80), category="cold-water")  # in Kyzylzhar District
    proposed.refresh_from_db()
    assert proposed.transfer_proposal == "kyzylzhar"
    # The proposed akimat by its name in the screen's language, not its slug.
    kazakh = operator("kk").get(f"/console/appeals/{proposed.number}/").content.decode()
    assert "Мекенжай басқа әкімдікте (Қызылжар ауданы): беру ұсынылады." in kazakh
    client = operator("ru")
    html = client.get(f"/console/appeals/{proposed.number}/").content.decode()
    assert 'class="proposal"' in html
    assert "Адрес на территории другого акимата (Кызылжарский район): предложена передача." in html
    field = 'id="transfer-akimat" name="akimat" list="transfer-akimat-options" autocomplete="off"'
    assert f'{field} value="kyzylzhar"' in html
    assert 'id="register-category" name="category" value' not in html  # only the transfer's field

    actions.transfer_appeal(OPERATOR, proposed.number, akimat="kyzylzhar", reason="Территория района")
    html = client.get(f"/console/appeals/{proposed.number}/").content.decode()
    assert 'class="proposal"' not in html and 'data-link="to"' in html
