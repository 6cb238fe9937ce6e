"""A console address that finds nothing (an appeal number of no appeal the person may open, a
mistyped page) or that the person may not open keeps the console's frame for a signed-in person:
the akimat, the person with their roles, their navigation, the screen's language, what is not
there, and the way back to their own first page. Public addresses and strangers keep the plain
page (`tests/ikomek/test_error_pages.py`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django_tenants.utils import tenant_context

from accounts.roles import Role
from ikomek.api_failures import permission_denied
from testkit.identities import logged_in, principal, user_with_roles
from tests.regional.helpers import regional_client

WORDS = {
    "kk": {
        "appeal": "<h1>№999999 өтініш табылмады</h1>",
        "why": "басқа әкімдікке тиесілі",
        "page": "<h1>Бет табылмады</h1>",
        "role": "109 операторы",
        "queues": "Кезектер",
        "back": "«Кезектер» бөліміне оралу",
        "other": "Очереди",
    },
    "ru": {
        "appeal": "<h1>Обращение №999999 не найдено</h1>",
        "why": "относится к другому акимату",
        "page": "<h1>Страница не найдена</h1>",
        "role": "Оператор 109",
        "queues": "Очереди",
        "back": "Вернуться в раздел «Очереди»",
        "other": "Кезектер",
    },
}


@pytest.fixture
def akimat(tenants) -> Iterator[object]:
    with tenant_context(tenants["petropavlovsk"]):
        yield tenants["petropavlovsk"]


def operator(language: str):
    client = logged_in(user_with_roles(f"not-found-operator-{language}", "operator"))
    client.cookies["django_language"] = language
    return client


def framed(text: str, akimat: object, language: str) -> None:
    """The console's header: the akimat's name, the person and their roles, their navigation."""
    words = WORDS[language]
    name = akimat.name_kk if language == "kk" else akimat.name_ru
    assert f'<html lang="{language}">' in text
    assert f'<span class="brand">109 · {name}</span>' in text and "109 · iKOMEK" not in text
    assert 'class="person"' in text and words["role"] in text
    assert f'<a href="/console/queues/">{words["queues"]}</a>' in text  # the navigation
    assert 'id="lang-switch"' in text and "/auth/logout/" in text
    assert words["other"] not in text  # one language


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_appeal_that_is_not_there_keeps_the_operators_console(akimat, language):
    words = WORDS[language]
    answer = operator(language).get("/console/appeals/999999/", HTTP_ACCEPT="text/html")
    text = answer.content.decode()
    assert answer.status_code == 404
    framed(text, akimat, language)
    assert words["appeal"] in text and words["why"] in text
    assert f'<a href="/console/queues/" id="back">{words["back"]}</a>' in text


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_mistyped_console_page_keeps_the_console_too(akimat, language):
    words = WORDS[language]
    answer = operator(language).get("/console/queuez/", HTTP_ACCEPT="text/html")
    text = answer.content.decode()
    assert answer.status_code == 404
    framed(text, akimat, language)
    assert words["page"] in text and words["back"] in text


def test_the_way_back_is_the_persons_own_first_page(akimat):
    client = logged_in(user_with_roles("not-found-executor", "executor", organisation="heat-network"))
    client.cookies["django_language"] = "ru"
    text = client.get("/console/executor/appeals/999999/").content.decode()
    assert "<h1>Обращение №999999 не найдено</h1>" in text
    assert '<a href="/console/executor/" id="back">Вернуться в раздел «Мои задания»</a>' in text
    # Another organisation's appeal is the likelier reason, not another akimat.
    assert "относится к другой организации" in text and "другому акимату" not in text


def test_public_addresses_and_strangers_keep_the_plain_page(akimat):
    signed_in = operator("ru").get("/no-such-page/").content.decode()
    assert "109 · iKOMEK" in signed_in and 'class="person"' not in signed_in
    stranger = logged_in(user_with_roles("not-found-nobody"))
    stranger.logout()
    text = stranger.get("/console/queuez/").content.decode()
    assert "109 · iKOMEK" in text and "<h1>Страница не найдена</h1>" in text


def test_the_regional_console_keeps_its_frame(tenants):
    client = regional_client("not-found-viewer", "regional_viewer")
    client.cookies["django_language"] = "kk"
    answer = client.get("/region/nothing/")
    text = answer.content.decode()
    assert answer.status_code == 404 and "<h1>Бет табылмады</h1>" in text
    assert '<a href="/region/">Облыс</a>' in text and "Облыс басшылығы" in text  # navigation, role
    assert '<a href="/region/" id="back">«Облыс» бөліміне оралу</a>' in text


@pytest.mark.parametrize(("language", "said"), [("kk", "Қолжетімсіз"), ("ru", "Нет доступа")])
def test_a_refusal_raised_on_a_console_address_keeps_the_console(akimat, language, said):
    request = RequestFactory(HTTP_HOST="petropavlovsk.localhost").get("/console/intake/place")
    request.tenant = akimat
    request.principal = principal(Role.OPERATOR, name="refused-operator")
    request.user = user_with_roles("refused-operator", "operator")
    with translation.override(language):
        answer = permission_denied(request, PermissionDenied())
    text = answer.content.decode()
    assert answer.status_code == 403 and f"<h1>{said}</h1>" in text
    framed(text, akimat, language)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_page_the_roles_do_not_open_leads_back_to_the_persons_first_page(akimat, language):
    """`console_page`'s own refusal (the page exists, the roles do not open it) has the same way
    back as the 404: an executor who opens the operator's queues goes back to their assignments."""
    executor = user_with_roles(f"refused-executor-{language}", "executor", organisation="heat-network")
    client = logged_in(executor)
    client.cookies["django_language"] = language
    answer = client.get("/console/queues/")
    text = answer.content.decode()
    back = {"kk": "«Менің тапсырмаларым» бөліміне оралу", "ru": "Вернуться в раздел «Мои задания»"}[language]
    assert answer.status_code == 403 and "<h1>" in text
    assert f'<a href="/console/executor/" id="back">{back}</a>' in text


def test_a_regional_page_the_roles_do_not_open_leads_back_to_the_region(tenants):
    client = regional_client("refused-viewer", "regional_viewer")
    client.cookies["django_language"] = "ru"
    answer = client.get("/region/escalation-rules/")
    assert answer.status_code == 403
    assert '<a href="/region/" id="back">Вернуться в раздел «Область»</a>' in answer.content.decode()
