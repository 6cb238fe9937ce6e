"""The region's escalation rules on the regional console (`/region/escalation-rules/`): the regional
admin's page in one language (Kazakh or Russian), refused to every other role (403) and absent on an
akimat's host (404); add, change, switch off and delete, each logged with who and what in its
transaction and applied by the akimats' rule look-up; every refusal a 400 under its field in the
screen's language; a fixed number of queries whatever the rules and changes."""

from __future__ import annotations

import pytest
from django.test import Client

from consoles.region.rules import CHANGES_SHOWN
from federation.escalations import rules
from federation.escalations.models import EscalationRule, EscalationRuleChange
from testkit.identities import logged_in, user_with_roles
from testkit.queries import exact_queries
from tests.regional.helpers import regional_client

URL = "/region/escalation-rules/"

WORDS = {
    "kk": {
        "title": "Эскалация ережелері",
        "every": "Қалған барлық санаттар",
        "regional-objects": "Облыстық маңызы бар нысандар",
        "at_once": "Әр өтініш тіркелген бойда бірден",
        "overdue": "3 мерзім жауапсыз өтсе",
        "not_done": "«Орындалмады» деп 2 рет белгіленсе",
        "unknown": "Анықтамалықта мұндай санат жоқ.",
        "taken": "Бұл санаттың ережесі бар: соны өзгертіңіз.",
        "overdue_small": "2-ден 100-ге дейінгі сан жазыңыз немесе бос қалдырыңыз.",
        "not_done_small": "1-ден 100-ге дейінгі сан жазыңыз немесе бос қалдырыңыз.",
        "not_a_number": "Бүтін сан жазыңыз немесе бос қалдырыңыз.",
        "required": "Санатты таңдаңыз.",
        "too_long": "200 таңбадан аспауы керек.",
        "added": "Ереже қосылды: Жылумен жабдықтау.",
        "never": "Өздігінен ешқашан",
        "switch_off": "Тоқтату<span",  # not "Өшіру", which is "delete"
        "other_language": "Правила эскалации",
    },
    "ru": {
        "title": "Правила эскалации",
        "every": "Все остальные категории",
        "regional-objects": "Объекты областного значения",
        "at_once": "Каждое обращение сразу после регистрации",
        "overdue": "Сроков прошло без ответа: 3",
        "not_done": "Отметок «не выполнено»: 2",
        "unknown": "В справочнике нет такой категории.",
        "taken": "У этой категории уже есть правило: измените его.",
        "overdue_small": "Введите число от 2 до 100 или оставьте поле пустым.",
        "not_done_small": "Введите число от 1 до 100 или оставьте поле пустым.",
        "not_a_number": "Введите целое число или оставьте поле пустым.",
        "required": "Выберите категорию.",
        "too_long": "Не более 200 символов.",
        "added": "Правило добавлено: Отопление.",
        "never": "Никогда само по себе",
        "switch_off": "Отключить<span",
        "other_language": "Эскалация ережелері",
    },
}


def speaking(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def admin(tenants) -> Client:
    return regional_client("rules-console-admin", "regional_admin")


def form(**fields: str) -> dict[str, str]:
    values = {
        "category": "heating",
        "overdue_multiple": "2",
        "not_done_times": "1",
        "is_active": "on",
        "note": "",
    }
    return {**values, **fields}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_regional_admin_reads_the_rules_in_one_language(admin, language):
    words = WORDS[language]
    response = speaking(admin, language).get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    assert f"<h1>{words['title']}</h1>" in html and words["other_language"] not in html
    # The shipped rules: "*" in words, the group by its name and code, the triggers in plain words.
    assert words["every"] in html and "<code>*</code>" in html
    assert f"{words['regional-objects']} <code>regional-objects</code>" in html
    assert words["at_once"] in html and words["overdue"] in html and words["not_done"] in html
    assert html.count(words["switch_off"]) == 2
    assert 'href="/region/escalation-rules/"' in speaking(admin, language).get("/region/").content.decode()


def test_every_other_role_is_refused_and_an_akimat_host_has_no_such_page(tenants):
    logged = EscalationRuleChange.objects.count()
    for role in ("regional_viewer", "platform_admin", "dispatcher_112"):
        client = speaking(regional_client(f"rules-{role}", role), "ru")
        for path in (URL, f"{URL}new/"):
            refused = client.get(path)
            assert refused.status_code == 403 and "Нет доступа" in refused.content.decode(), (role, path)
        assert client.post(f"{URL}new/", form()).status_code == 403
        if role != "dispatcher_112":  # the region's console has no link to the rules for them
            assert 'href="/region/escalation-rules/"' not in client.get("/region/").content.decode()
    rule = EscalationRule.objects.get(category="*")
    viewer = regional_client("rules-viewer-posts", "regional_viewer")
    assert viewer.post(f"{URL}{rule.pk}/switch/", {"active": "0"}).status_code == 403
    assert viewer.post(f"{URL}{rule.pk}/delete/").status_code == 403
    assert EscalationRule.objects.get(pk=rule.pk).is_active
    assert EscalationRuleChange.objects.count() == logged
    operator = logged_in(user_with_roles("rules-operator", "operator"), host="localhost")
    assert operator.get(URL).status_code == 403
    assert Client(HTTP_HOST="localhost").get(URL).status_code == 302  # a stranger signs in
    assert Client(HTTP_HOST="petropavlovsk.localhost").get(URL).status_code == 404


def test_add_change_switch_off_and_delete_each_logged_and_applied(admin, tenants):
    page = speaking(admin, "ru")
    added = page.post(f"{URL}new/", form(note="Отопительный сезон"))
    assert added.status_code == 302 and added["Location"] == URL
    listed = page.get(URL).content.decode()
    assert WORDS["ru"]["added"] in listed and 'data-rule="heating"' in listed
    rule = EscalationRule.objects.get(category="heating")
    assert (rule.overdue_multiple, rule.not_done_times, rule.is_active, rule.note) == (
        2,
        1,
        True,
        "Отопительный сезон",
    )
    assert rules.rule_for(_category("heating")).pk == rule.pk  # the akimats' look-up has it at once

    changed = page.post(
        f"{URL}{rule.pk}/",
        form(overdue_multiple="4", not_done_times="", regional_scope="on", note="Отопительный сезон"),
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.overdue_multiple, rule.not_done_times, rule.regional_scope) == (4, None, True)
    edit_page = page.get(f"{URL}{rule.pk}/").content.decode()
    assert 'value="4"' in edit_page and '<option value="heating" selected>' in edit_page

    off = page.post(f"{URL}{rule.pk}/switch/", {"active": "0"})
    assert off.status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    assert rules.rule_for(_category("heating")).category == "*"  # switched off: the "*" rule holds
    assert "Правило отключено: Отопление." in page.get(URL).content.decode()

    confirm = page.get(f"{URL}{rule.pk}/delete/").content.decode()
    assert "Удалить правило эскалации?" in confirm and "<code>heating</code>" in confirm
    assert EscalationRule.objects.filter(pk=rule.pk).exists()  # asking deletes nothing
    deleted = page.post(f"{URL}{rule.pk}/delete/")
    assert deleted.status_code == 302 and not EscalationRule.objects.filter(pk=rule.pk).exists()

    log = list(
        EscalationRuleChange.objects.filter(actor_name="Rules-Console-Admin")
        .order_by("id")
        .values("action", "category", "before", "after", "actor_name", "actor_role")
    )
    assert [row["action"] for row in log] == ["create", "update", "update", "delete"]
    assert {row["actor_role"] for row in log} == {"regional_admin"}
    assert {row["actor_name"] for row in log} == {"Rules-Console-Admin"}
    assert log[0]["after"]["category"] == "heating" and log[0]["before"] == {}
    assert log[1]["before"] == {"overdue_multiple": 2, "not_done_times": 1, "regional_scope": False}
    assert log[1]["after"] == {"overdue_multiple": 4, "not_done_times": None, "regional_scope": True}
    assert (log[2]["before"], log[2]["after"]) == ({"is_active": True}, {"is_active": False})
    assert log[3]["before"]["category"] == "heating" and log[3]["after"] == {}
    shown = page.get(URL).content.decode()
    assert "Rules-Console-Admin" in shown and "Сроков без ответа</dt><dd>2 → 4</dd>" in shown


def test_a_rule_with_no_trigger_keeps_its_category_out_of_the_others(admin):
    page = speaking(admin, "kk")
    assert (
        page.post(f"{URL}new/", form(category="snow", overdue_multiple="", not_done_times="")).status_code
        == 302
    )
    assert WORDS["kk"]["never"] in page.get(URL).content.decode()
    rule = rules.rule_for(_category("snow"), "housing")
    assert rule.category == "snow"  # before the group's and the "*" rule, and it fires on nothing
    assert (rule.overdue_multiple, rule.not_done_times, rule.regional_scope) == (None, None, False)
    # The "*" rule emptied: said for what it is, every category without a rule of its own.
    EscalationRule.objects.filter(category="*").update(overdue_multiple=None, not_done_times=None)
    assert (
        "Өздігінен ешқашан: өз ережесі жоқ бірде-бір санат облысқа жіберілмейді"
        in page.get(URL).content.decode()
    )


def _category(code: str):
    from appeals.models import Category

    return Category(code=code)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_refusal_is_a_400_under_its_field_in_the_screens_language(admin, language):
    words = WORDS[language]
    page = speaking(admin, language)
    logged = EscalationRuleChange.objects.count()
    cases = [
        (form(category="no-such-category"), "category", words["unknown"]),
        (form(category="*"), "category", words["taken"]),  # the shipped "*" rule
        (form(category=""), "category", words["required"]),
        (form(overdue_multiple="1"), "overdue_multiple", words["overdue_small"]),
        (form(overdue_multiple="101"), "overdue_multiple", words["overdue_small"]),
        (form(overdue_multiple="три"), "overdue_multiple", words["not_a_number"]),
        (form(not_done_times="0"), "not_done_times", words["not_done_small"]),
        (form(not_done_times="-1"), "not_done_times", words["not_a_number"]),
        (form(note="x" * 201), "note", words["too_long"]),
    ]
    for data, field, message in cases:
        response = page.post(f"{URL}new/", data)
        html = response.content.decode()
        assert response.status_code == 400, data
        assert f'<p class="error" role="alert" id="id_{field}-error">{message}</p>' in html, (field, message)
        assert f'aria-describedby="id_{field}-error"' in html and 'aria-invalid="true"' in html
        assert words["other_language"] not in html
    kept = page.post(f"{URL}new/", form(overdue_multiple="1", note="оставлено")).content.decode()
    assert 'value="оставлено"' in kept and '<option value="heating" selected>' in kept  # nothing lost
    # Changing a rule to a category that has one already: refused the same way.
    shipped = EscalationRule.objects.get(category="regional-objects")
    taken = page.post(f"{URL}{shipped.pk}/", form(category="*"))
    assert taken.status_code == 400 and words["taken"] in taken.content.decode()
    assert not EscalationRule.objects.filter(category__in=["heating", "no-such-category"]).exists()
    assert EscalationRuleChange.objects.count() == logged
    assert page.get(f"{URL}999999/").status_code == 404
    assert page.post(f"{URL}999999/delete/").status_code == 404


# session, user (with the staff profile), roles; the rules; the latest changes
LIST_QUERIES = 5


def test_the_list_costs_the_same_queries_for_few_rules_and_many(admin):
    def listed() -> str:
        admin.get(URL)  # warm: the session's first look-ups
        with exact_queries(LIST_QUERIES):
            response = admin.get(URL)
        assert response.status_code == 200
        return response.content.decode()

    logged = EscalationRuleChange.objects.count()  # browser tests commit theirs
    assert listed().count("data-rule=") == 2  # the shipped "*" and regional-objects
    for code in ("heating", "hot-water", "roads", "snow", "gas", "lifts"):
        assert admin.post(f"{URL}new/", form(category=code)).status_code == 302
    rule = EscalationRule.objects.get(category="roads")
    admin.post(f"{URL}{rule.pk}/switch/", {"active": "0"})
    html = listed()
    assert html.count("data-rule=") == 8 and html.count("<time ") == min(CHANGES_SHOWN, logged + 7)
