"""An operator who opens an appeal that is not there stays in their console: the header (akimat,
person with roles, navigation), the screen's language, what is not there, and the way back to the
queues, in Kazakh and in Russian. The page is asked of a second web process with DEBUG off, as
`make run` and production serve (with DEBUG on Django answers its own technical 404); the session
comes from the sign-in on the first, since a cookie is the host's whatever the port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.roles import Role
from testkit.browser import screenshot, web_server
from testkit.processes import free_port
from tests.consoles.browser.conftest import choose_language, sign_in

SLUG = "petropavlovsk"
WORDS = {
    "kk": {
        "heading": "№999999 өтініш табылмады",
        "brand": "109 · Петропавл",
        "role": "109 операторы",
        "queues": "Кезектер",
    },
    "ru": {
        "heading": "Обращение №999999 не найдено",
        "brand": "109 · Петропавловск",
        "role": "Оператор 109",
        "queues": "Очереди",
    },
}


@pytest.fixture(scope="module")
def without_debug(web, tmp_path_factory) -> Iterator[str]:
    """A second web process as production serves: DEBUG off, so the URLconf's handler404 answers."""
    port = free_port()
    with web_server(
        tmp_path_factory.mktemp("web-no-debug") / "gunicorn.log", env={"DJANGO_DEBUG": "false"}, port=port
    ):
        yield f"http://{SLUG}.{settings.BASE_DOMAIN}:{port}"


@pytest.mark.browser
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_appeal_that_is_not_there_keeps_the_console(
    browser, committed_db, person, without_debug, language
):
    words = WORDS[language]
    page = sign_in(browser, person(Role.OPERATOR, SLUG), language=language)
    choose_language(page, language)
    answer = page.goto(f"{without_debug}/console/appeals/999999/")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text(words["heading"])
    expect(page.locator("header .brand")).to_have_text(words["brand"])
    expect(page.locator("header .person")).to_contain_text(words["role"])
    expect(page.locator("header nav").get_by_role("link", name=words["queues"])).to_be_visible()
    screenshot(page, f"operator-not-found-{language}")
    page.locator("#back").click()
    page.wait_for_url("**/console/queues/")
    expect(page.locator("h1")).to_have_text(words["queues"])
