"""What a browser gets when Django answers by itself (a page that is not there, a form whose CSRF
check failed, a body it cannot read, an internal error): a page of ours in the screen's language,
one language, never Django's English or technical text."""

from __future__ import annotations

import json

import pytest
from django.db.utils import OperationalError
from django.test import Client, RequestFactory
from django.utils import translation
from django_tenants.utils import tenant_context
from graphql import GraphQLError

from ikomek.api_failures import server_error
from ikomek.graphql_view import LimitedGraphQLView
from testkit.identities import logged_in, user_with_roles

HOST = "petropavlovsk.localhost"
PAGES = {
    "kk": ("Бет табылмады", "Страница не найдена"),
    "ru": ("Страница не найдена", "Бет табылмады"),
}


def browser(language: str, host: str = HOST, **extra: object) -> Client:
    client = Client(HTTP_HOST=host, HTTP_ACCEPT="text/html", **extra)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("host", [HOST, "localhost"])
def test_a_page_that_is_not_there_says_so_in_the_screens_language(tenants, language, host):
    answer = browser(language, host).get("/no-such-page/")
    text = answer.content.decode()
    said, other = PAGES[language]
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in text and f"<h1>{said}</h1>" in text
    assert other not in text and "Not Found" not in text and "requested resource" not in text
    assert 'href="/"' in text


def test_a_signed_in_person_asking_for_an_appeal_that_is_not_there_gets_the_page(tenants):
    # In the console's own frame (tests/consoles/test_console_error_pages.py).
    with tenant_context(tenants["petropavlovsk"]):
        client = logged_in(user_with_roles("error-page-supervisor", "supervisor"))
        client.cookies["django_language"] = "kk"
        answer = client.get("/console/appeals/999999/", HTTP_ACCEPT="text/html")
    assert answer.status_code == 404 and "<h1>№999999 өтініш табылмады</h1>" in answer.content.decode()


@pytest.mark.parametrize(("language", "said"), [("kk", "Форманың мерзімі өтті"), ("ru", "Форма устарела")])
def test_a_form_sent_without_its_csrf_token_is_explained_not_djangos_text(tenants, language, said):
    answer = browser(language, enforce_csrf_checks=True).post("/appeal/", {"description": "x"})
    text = answer.content.decode()
    assert answer.status_code == 403 and f"<h1>{said}</h1>" in text
    assert "CSRF" not in text and "Forbidden" not in text  # nothing of Django's technical page


@pytest.mark.parametrize(
    ("language", "said"),
    [("kk", "Біздің жақта қате орын алды"), ("ru", "Что-то пошло не так на нашей стороне")],
)
def test_an_internal_error_page_needs_no_request_and_says_112_in_an_emergency(language, said):
    request = RequestFactory(HTTP_HOST=HOST, HTTP_ACCEPT="text/html").get("/console/")
    request.LANGUAGE_CODE = language  # as the middleware leaves it once it chose the language
    with translation.override(language):
        answer = server_error(request)
    text = answer.content.decode()
    assert answer.status_code == 500 and f"<h1>{said}</h1>" in text and "112" in text
    assert f'<html lang="{language}">' in text


def failing_with(error: Exception, request) -> object:
    """Django's handler500 is called while the exception is handled: the same here."""
    try:
        raise error
    except Exception:
        return server_error(request)


@pytest.mark.parametrize(
    ("language", "said"), [("kk", "Қызмет уақытша қолжетімсіз"), ("ru", "Сервис временно недоступен")]
)
def test_the_database_away_is_a_503_page_in_the_requests_own_language(language, said):
    # The tenant's lookup comes first and fails before any middleware chose the language: the
    # request's cookie says it.
    request = RequestFactory(HTTP_HOST=HOST, HTTP_ACCEPT="text/html").get("/console/queues/")
    request.COOKIES["django_language"] = language
    answer = failing_with(OperationalError("connection refused"), request)
    text = answer.content.decode()
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert f"<h1>{said}</h1>" in text and f'<html lang="{language}">' in text
    bug = failing_with(ValueError("a bug"), request)
    assert bug.status_code == 500 and f'<html lang="{language}">' in bug.content.decode()


def test_the_database_away_is_a_503_with_retry_for_the_api():
    request = RequestFactory(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="ru").post("/graphql/")
    answer = failing_with(OperationalError("connection refused"), request)
    (error,) = json.loads(answer.content)["errors"]
    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert error["code"] == "database_unavailable" and "тем же clientKey" in error["message"]
    bug = failing_with(KeyError("x"), request)
    assert bug.status_code == 500 and json.loads(bug.content)["errors"][0]["code"] == "internal_error"


def test_a_graphql_resolver_meeting_the_database_away_answers_503_database_unavailable(tenants):
    view = LimitedGraphQLView()
    view.request = RequestFactory(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="kk").post("/graphql/")
    failed = GraphQLError("boom", path=["appeals"], original_error=OperationalError("server closed"))
    formatted = view.format_error(failed)
    assert formatted["extensions"]["code"] == "database_unavailable"
    assert (
        "Дерекқор уақытша қолжетімсіз" in formatted["message"] and "server closed" not in formatted["message"]
    )
    assert view.request._database_unavailable is True  # dispatch turns the answer into a 503
