"""Operator pages server-side (Django's client, real database): lists, the appeal page and its
steps, intake with field errors in the screen's language, the language switch, refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django_tenants.utils import tenant_context

from accounts.models import StaffProfile
from appeals.models import Appeal, Organisation
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.appeals.conftest import intake


@pytest.fixture
def inside(tenants) -> Iterator[None]:
    with tenant_context(tenants["petropavlovsk"]):
        yield


def operator(language: str = "ru"):
    client = logged_in(user_with_roles(f"op-{language}", "operator"))
    client.cookies["django_language"] = language
    return client


def test_queues_list_new_appeals_in_the_chosen_language(inside):
    appeal = intake()
    page = operator("kk").get("/console/queues/?list=new")
    text = page.content.decode()
    assert page.status_code == 200
    assert f">{appeal.number}</a>" in text
    assert "Кезектер" in text and "Очереди" not in text  # Kazakh only
    page = operator("ru").get("/console/queues/?list=new")
    assert "Очереди" in page.content.decode() and "Кезектер" not in page.content.decode()


def test_the_appeal_page_offers_the_steps_the_person_may_take(inside):
    appeal = intake()
    text = operator().get(f"/console/appeals/{appeal.number}/").content.decode()
    assert 'data-step="register"' in text and 'data-step="cancel"' in text
    assert 'data-step="start_work"' not in text  # an executor's step, and not from "received"


def test_a_refused_step_shows_the_reason_in_the_screens_language_and_keeps_the_input(inside):
    appeal = intake(category="", location=None)
    client = operator("kk")
    answer = client.post(
        f"/console/appeals/{appeal.number}/transfer", {"akimat": "nowhere", "reason": "менің мәтінім"}
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    assert 'data-code="unknown_akimat"' in text
    assert 'value="менің мәтінім"' in text  # nothing typed is lost
    assert "не другой действующий акимат" not in text  # one language on the screen
    assert "«nowhere» облыстың басқа белсенді әкімдігі емес" in text  # the slug in either language
    russian = operator("ru").post(
        f"/console/appeals/{appeal.number}/transfer", {"akimat": "nowhere", "reason": "x"}
    )
    assert "«nowhere» — не другой действующий акимат области" in russian.content.decode()


def test_cancelling_asks_for_a_reason_chosen_never_a_default(inside):
    appeal = intake()
    client = operator("ru")
    page = client.get(f"/console/appeals/{appeal.number}/").content.decode()
    form = page.split('data-step="cancel"')[1].split("</form>")[0]
    assert '<option value="">— выберите —</option><option value="duplicate">' in form  # nothing chosen
    answer = client.post(f"/console/appeals/{appeal.number}/cancel", {"reason": "", "comment": "звонок"})
    text = answer.content.decode()
    assert answer.status_code == 400 and 'data-code="required"' in text and "Причина: обязательно" in text
    assert Appeal.objects.get(pk=appeal.pk).status == "received"
    spam = client.post(f"/console/appeals/{appeal.number}/cancel", {"reason": "bogus"}).content.decode()
    assert 'data-code="invalid"' in spam
    kept = spam.split('data-step="cancel"')[1].split("</form>")[0]
    assert "selected" not in kept  # a value the list does not have selects nothing
    again = client.post(f"/console/appeals/{appeal.number}/cancel", {"reason": "spam", "comment": ""})
    assert again.status_code == 302 and Appeal.objects.get(pk=appeal.pk).status == "cancelled"


def test_a_step_moves_the_appeal_and_comes_back_to_its_page(inside):
    appeal = intake()
    answer = operator().post(f"/console/appeals/{appeal.number}/register", {"category": "heating"})
    assert answer.status_code == 302 and answer["Location"] == f"/console/appeals/{appeal.number}/"
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


def test_intake_creates_once_for_a_double_submit_and_reports_field_errors(inside):
    client = operator("ru")
    data = {
        "channel": "landline",
        "phone": "8 705 123 45 67",
        "description": "Нет воды",
        "client_key": "k-1",
        "category": "",
        "register": "",
    }
    first = client.post("/console/intake/", data)
    second = client.post("/console/intake/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appeal.objects.filter(client_key="k-1").count() == 1

    first_number = Appeal.objects.get(client_key="k-1").number
    changed = client.post("/console/intake/", data | {"description": "Нет воды и света"})
    assert changed.status_code == 400
    assert f"создала обращение {first_number}" in changed.content.decode()
    assert Appeal.objects.filter(client_key="k-1").count() == 1

    bad = client.post("/console/intake/", data | {"phone": "12", "client_key": "k-2"})
    text = bad.content.decode()
    assert bad.status_code == 400
    assert 'id="id_phone-error"' in text
    assert "такого номера" in text or "не номер телефона" in text
    assert "телефон нөмірі емес" not in text and "мұндай нөмір жоқ" not in text
    assert "Нет воды</textarea>" in text  # what was typed stays

    # The chosen category comes back by its name, and an emergency one marked so the next save
    # asks again before it goes to 112.
    refused = client.post("/console/intake/", data | {"phone": "12", "client_key": "k-3", "category": "fire"})
    text = refused.content.decode()
    assert refused.status_code == 400 and 'data-emergency="1"' in text
    assert '<p class="chosen" id="category-chosen" aria-live="polite">Пожар</p>' in text


def test_the_language_switch_is_remembered_for_the_person(inside):
    user = user_with_roles("switcher", "operator")
    client = logged_in(user)
    client.post("/console/language", {"language": "kk", "next": "/console/queues/"})
    assert StaffProfile.objects.get(user=user).language == "kk"
    other_device = logged_in(user)
    text = other_device.get("/console/queues/").content.decode()
    assert "Кезектер" in text
    # One button to the other language, no list that would switch on an arrow key.
    assert (
        '<button id="lang-switch" class="link" name="language" value="ru" lang="ru">Русский</button>' in text
    )
    assert "<select" not in text.split("</header>")[0]


def test_people_without_the_role_are_refused_and_strangers_sent_to_sign_in(inside):
    executor = logged_in(user_with_roles("exec-only", "executor"))
    assert executor.get("/console/queues/").status_code == 403
    anonymous = logged_in(user_with_roles("x", "operator"))
    anonymous.logout()
    answer = anonymous.get("/console/queues/")
    assert answer.status_code == 302 and answer["Location"].startswith("/auth/login/")


QUEUES_PAGE_QUERIES = 6  # session, user, roles; the queue, the counts of every queue, the call-backs due


def test_the_queues_page_costs_a_fixed_number_of_queries(inside):
    for _ in range(3):
        intake()
    client = operator()
    client.get("/console/queues/")
    with exact_queries(QUEUES_PAGE_QUERIES):
        few = client.get("/console/queues/")
    for _ in range(5):
        intake()
    with exact_queries(QUEUES_PAGE_QUERIES):
        more = client.get("/console/queues/")
    assert few.status_code == more.status_code == 200
    assert few.content.decode().count("/console/appeals/") < more.content.decode().count("/console/appeals/")


def test_the_steps_offer_names_to_pick_from_as_the_operator_types(inside):
    """Nobody knows an organisation's code or an akimat's slug by heart: the fields offer them with
    their names in the screen's language (a datalist), and a typed code still works."""
    received = operator("kk").get(f"/console/appeals/{intake().number}/").content.decode()
    akimats = received[received.index('<datalist id="transfer-akimat-options">') :].split("</datalist>")[0]
    assert '<option value="kyzylzhar">Қызылжар ауданы</option>' in akimats
    assert 'value="petropavlovsk"' not in akimats  # not to itself
    assert 'list="transfer-akimat-options"' in received
    assert '<option value="heating">' in received  # the register step's categories

    registered = intake(register=True)
    page = operator("ru").get(f"/console/appeals/{registered.number}/").content.decode()
    organisations = page[page.index('<datalist id="assign-organisation-options">') :].split("</datalist>")[0]
    housing = Organisation.objects.get(code="housing-department")
    assert f'<option value="housing-department">{housing.name_ru}</option>' in organisations


def test_an_unknown_list_is_said_and_the_new_appeals_shown(inside):
    appeal = intake()
    page = operator("kk").get("/console/queues/?list=due")
    text = page.content.decode()
    assert page.status_code == 400
    assert "due тізімі жоқ: жаңа өтініштер көрсетілген." in text and "Списка" not in text
    assert f">{appeal.number}</a>" in text  # the new ones, as the tab "new" shows them


def test_a_step_takes_the_name_the_list_shows_and_names_what_it_cannot_find_in_one_language(inside):
    registered = intake(register=True)
    housing = Organisation.objects.get(code="housing-department")
    typed = housing.name_ru.upper()  # as shown, any case
    kazakh, russian = operator("kk"), operator("ru")
    answer = kazakh.post(f"/console/appeals/{registered.number}/assign", {"organisation": typed})
    assert answer.status_code == 302
    registered.refresh_from_db()
    assert registered.organisation_id == housing.pk

    other = intake(register=True)
    refused = kazakh.post(f"/console/appeals/{other.number}/assign", {"organisation": "береке"})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Ұйым береке табылмады" in text and "Организация" not in text
    refused = russian.post(f"/console/appeals/{other.number}/assign", {"organisation": "береке"})
    text = refused.content.decode()
    assert "Организация береке: не найдено" in text and "табылмады" not in text


def test_the_header_names_the_person_and_their_roles_in_the_screens_language(inside):
    user = user_with_roles("two-hats", "supervisor", "operator")
    user.first_name, user.last_name = "Асель", "Омарова"
    user.save()
    client = logged_in(user)
    for language, said, other in (
        ("kk", "109 операторы, Супервайзер", "Оператор 109"),
        ("ru", "Оператор 109, Супервайзер", "109 операторы"),
    ):
        client.post("/console/language", {"language": language, "next": "/console/queues/"})
        text = client.get("/console/queues/").content.decode()
        # The whole of it in the title too: a phone's header cuts it short.
        person = f'<span class="person" title="Асель Омарова · {said}">Асель Омарова <small class="roles">'
        assert person in text
        assert f"· {said}</small>" in text and other not in text
