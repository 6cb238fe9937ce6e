"""Settings, categories: the supervisor changes an SLA and the next appeal's deadline follows it;
wrong input gets every mistake on its field in the screen's language with nothing lost; every
change is in the log with who, when, before and after."""

from __future__ import annotations

import datetime

import pytest

from appeals.models import CatalogueChange, Category
from tests.appeals.conftest import intake
from tests.consoles.settings.conftest import client_of

pytestmark = pytest.mark.usefixtures("inside")


def form_of(code: str, **changes: object) -> dict[str, object]:
    """What the edit page's form posts for the category, with `changes` typed over it."""
    category = Category.objects.select_related("parent").get(code=code)
    data: dict[str, object] = {
        "parent": category.parent.code if category.parent else "",
        "name_kk": category.name_kk,
        "name_ru": category.name_ru,
        "keywords": ", ".join(category.keywords),
        "sla_hours": category.sla_hours,
        "sla_calendar": category.sla_calendar,
        "warn_before_hours": category.warn_before_hours,
        "default_priority": category.default_priority,
        "services_112": list(category.services_112),
        "repeat_radius_m": category.repeat_radius_m,
        "repeat_window_hours": category.repeat_window_hours,
    }
    for flag in ("is_emergency", "is_housing_utilities", "is_active"):
        if getattr(category, flag):
            data[flag] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_list_speaks_the_screens_language(supervisor):
    kazakh = client_of("supervisor", "kk", name="sup-kk").get("/console/settings/categories/")
    text = kazakh.content.decode()
    assert kazakh.status_code == 200
    assert "Жылумен жабдықтау" in text and "Отопление" not in text
    assert 'data-category="heating"' in text
    # On a phone the headers are hidden: each number says what it is.
    assert 'data-label="Мерзім, сағат"' in text and 'data-label="Мерзімге дейін ескерту, сағат"' in text
    assert client_of("supervisor", "ru", name="sup-ru").get("/console/settings/").status_code == 302


def test_a_changed_sla_is_logged_and_the_next_appeal_follows_it(supervisor):
    before = intake(category="heating")  # round the clock, 24 h in the shipped catalogue
    assert before.deadline - before.received_at == datetime.timedelta(hours=24)

    answer = supervisor.post("/console/settings/categories/heating/", form_of("heating", sla_hours="10"))
    assert answer.status_code == 302 and answer["Location"] == "/console/settings/categories/"

    after = intake(category="heating")
    assert after.deadline - after.received_at == datetime.timedelta(hours=10)
    change = CatalogueChange.objects.get()
    assert (change.subject, change.action, change.object_key) == ("category", "updated", "heating")
    assert (change.before, change.after) == ({"sla_hours": 24}, {"sla_hours": 10})
    assert (change.actor_role, change.actor_name) == ("supervisor", "Supervisor-Ru")

    log = supervisor.get("/console/settings/changes/").content.decode()
    assert "Срок, часов" in log and "<dd data-before>24</dd>" in log and "<dd data-after>10</dd>" in log


def test_saving_an_unchanged_form_logs_nothing(supervisor):
    assert supervisor.post("/console/settings/categories/heating/", form_of("heating")).status_code == 302
    assert not CatalogueChange.objects.exists()


def test_wrong_input_shows_every_mistake_in_the_screens_language_and_keeps_it(inside):
    client = client_of("supervisor", "kk", name="sup-kk")
    typed = form_of("heating", sla_hours="он", warn_before_hours="30", name_ru="   ")
    answer = client.post("/console/settings/categories/heating/", typed)
    text = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="id_sla_hours-error"' in text and "Бүтін сан енгізіңіз" in text
    assert 'id="id_name_ru-error"' in text and "Толтыру міндетті" in text
    assert "Введите целое число" not in text and "Обязательное поле" not in text
    assert 'value="он"' in text and 'value="30"' in text  # nothing typed is lost
    assert 'aria-invalid="true"' in text
    assert Category.objects.get(code="heating").sla_hours == 24
    assert not CatalogueChange.objects.exists()


def test_a_warning_after_the_deadline_and_an_emergency_without_112_are_refused(supervisor):
    answer = supervisor.post(
        "/console/settings/categories/heating/",
        form_of("heating", sla_hours="5", warn_before_hours="6", is_emergency="on", services_112=[]),
    )
    text = answer.content.decode()
    assert answer.status_code == 400
    assert "Предупреждение должно быть меньше срока" in text
    assert "Для экстренной категории укажите службу 112" in text


def test_the_words_callers_use_find_the_category_at_intake(supervisor):
    page = supervisor.get("/console/settings/categories/heating/").content.decode()
    assert "батарея, холодно" in page  # the shipped catalogue's words, as the form shows them
    operator = client_of("operator", name="op-words")
    found = operator.get("/console/intake/categories", {"category_search": "ледяные радиаторы"})
    assert 'data-code="heating"' in found.content.decode()  # one of two words: the best there is

    typed = form_of("heating", keywords="Мороз в квартире;  мороз В квартире\nледяные, ледяные")
    assert supervisor.post("/console/settings/categories/heating/", typed).status_code == 302
    assert Category.objects.get(code="heating").keywords == ["Мороз в квартире", "ледяные"]
    change = CatalogueChange.objects.get()
    assert change.after == {"keywords": ["Мороз в квартире", "ледяные"]}
    assert "батарея" in change.before["keywords"][0]
    log = supervisor.get("/console/settings/changes/").content.decode()
    assert "Слова, которыми говорят заявители" in log and "Мороз в квартире, ледяные" in log

    found = operator.get("/console/intake/categories", {"category_search": "ледяные радиаторы"})
    assert 'data-code="heating"' in found.content.decode()  # the akimat's word, as typed
    assert (
        'data-code="heating"'
        not in operator.get("/console/intake/categories", {"category_search": "батарея"}).content.decode()
    )  # the shipped word the akimat took out


def test_a_keyword_too_long_or_too_many_is_refused_on_its_field(inside):
    client = client_of("supervisor", "kk", name="sup-kk")
    long = client.post("/console/settings/categories/heating/", form_of("heating", keywords="х" * 61))
    assert long.status_code == 400
    text = long.content.decode()
    assert 'id="id_keywords-error"' in text and "60 таңбадан аспауы керек" in text
    many = ", ".join(f"сөз{n}" for n in range(51))
    answer = client.post("/console/settings/categories/heating/", form_of("heating", keywords=many))
    assert answer.status_code == 400 and "50 сөзден аспауы керек" in answer.content.decode()
    assert "сөз50" in answer.content.decode()  # nothing typed is lost
    assert Category.objects.get(code="heating").keywords[0] == "батарея"


def test_a_new_category_is_created_under_a_group_and_logged(supervisor):
    data = form_of("heating", name_kk="Қар тазалау", name_ru="Уборка снега", parent="housing") | {
        "code": "snow-removal"
    }
    answer = supervisor.post("/console/settings/categories/new", data)
    assert answer.status_code == 302
    created = Category.objects.get(code="snow-removal")
    assert (created.parent.code, created.name_ru, created.sla_hours) == ("housing", "Уборка снега", 24)
    change = CatalogueChange.objects.get()
    assert (change.action, change.before, change.after["parent"]) == ("created", {}, "housing")

    again = supervisor.post("/console/settings/categories/new", data)
    assert again.status_code == 400 and "уже занят" in again.content.decode()
    bad = supervisor.post("/console/settings/categories/new", data | {"code": "Снег!"})
    assert bad.status_code == 400 and 'id="id_code-error"' in bad.content.decode()
    # Every mistake at once, the code's with the others.
    worse = supervisor.post(
        "/console/settings/categories/new", data | {"code": "Снег!", "name_ru": "", "sla_hours": "-5"}
    ).content.decode()
    for field in ("code", "name_ru", "sla_hours"):
        assert f'id="id_{field}-error"' in worse, field


def test_a_category_cannot_sit_under_itself(supervisor):
    answer = supervisor.post("/console/settings/categories/housing/", form_of("housing", parent="heating"))
    assert answer.status_code == 400
    assert "Категория не может входить в себя" in answer.content.decode()


def test_only_the_supervisor_opens_the_settings(inside):
    for role in ("operator", "lawyer", "akim", "analyst", "executor"):
        assert client_of(role).get("/console/settings/categories/").status_code == 403, role
        assert (
            client_of(role, name=f"{role}-post")
            .post("/console/settings/categories/heating/", form_of("heating", sla_hours="1"))
            .status_code
            == 403
        )
    assert Category.objects.get(code="heating").sla_hours == 24
    stranger = client_of("supervisor", name="gone")
    stranger.logout()
    answer = stranger.get("/console/settings/categories/")
    assert answer.status_code == 302 and answer["Location"].startswith("/auth/login/")
