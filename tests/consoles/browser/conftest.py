"""A real web server and chromium for the whole browser session; people sign in through the
real Keycloak login page.

The browser tests commit what they make (the server sees committed rows only), so each keeps to
its own: its own people in Keycloak (`person`), its own organisations, places and phones
(`tests/consoles/browser/own.py`), and it asserts on its own rows only. So they pass in any order,
and side by side against one server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from accounts.provisioning import ensure_tenant_identity
from accounts.roles import Role
from demo.appeals import executor_organisation
from demo.dev_realm import DEMO_PASSWORD, apply_dev_realm
from testkit.browser import DESK, host_url, launch_chromium, web_server
from testkit.identities import keycloak_person
from tests.conftest import SESSION_TENANTS

# Playwright's sync API keeps an event loop in this thread; Django's ORM calls from the test
# itself (setting up and checking rows) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Package scope: the server (and its database sessions) is gone before the other packages run.
@pytest.fixture(scope="package")
def web(onboarded, django_db_blocker, tmp_path_factory) -> Iterator[str]:
    with django_db_blocker.unblock():
        for tenant in onboarded.values():
            ensure_tenant_identity(tenant)
    apply_dev_realm(SESSION_TENANTS, executor_organisation)
    with web_server(tmp_path_factory.mktemp("web") / "gunicorn.log") as base:
        yield base


class WatchedBrowser:
    """Chromium whose every context reports what the pages' Content-Security-Policy refused (an
    inline script or style, an eval such as htmx's `js:`): each test asserts there was none."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self.refusals: list[str] = []

    def new_context(self, **options: object) -> BrowserContext:
        context = self._browser.new_context(**options)
        context.on("console", self._seen)
        return context

    def _seen(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "evalDisallowed" in text:
            where = message.location or {}
            source = f"{where.get('url', '')}:{where.get('lineNumber', '')}"
            self.refusals.append(f"{message.page.url if message.page else '?'} ({source}): {text}")

    def __getattr__(self, name: str) -> object:
        return getattr(self._browser, name)


@pytest.fixture(scope="package")
def browser(web) -> Iterator[WatchedBrowser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield WatchedBrowser(chromium)
        chromium.close()


@pytest.fixture(autouse=True)
def nothing_refused_by_the_pages_policy(request) -> Iterator[None]:
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    watched.refusals.clear()
    yield
    assert watched.refusals == [], "the Content-Security-Policy refused:\n" + "\n".join(watched.refusals)


@pytest.fixture
def committed_db(django_db_blocker) -> Iterator[None]:
    """The browser's server sees committed rows only; the test reads and writes them directly."""
    with django_db_blocker.unblock():
        yield
        # Playwright's greenlet gives Django's ORM another context, hence another connection:
        # close them all, or the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def person(web) -> Iterator[Callable[..., str]]:
    """`person(role, slug="petropavlovsk", organisation=None)`: a Keycloak person of this test's own
    (deleted after it); returns the username to sign in with."""
    with ExitStack() as people:

        def make(role: Role, slug: str | None = "petropavlovsk", organisation: str | None = None) -> str:
            return people.enter_context(keycloak_person(role, slug, organisation=organisation))

        yield make


def sign_in(
    browser: Browser,
    username: str,
    slug: str = "petropavlovsk",
    *,
    viewport: dict = DESK,
    language: str = "ru",
) -> Page:
    """A fresh browser context signed in as `username` through Keycloak's own login form."""
    context = browser.new_context(viewport=viewport, locale=language, accept_downloads=True)
    page = context.new_page()
    page.goto(host_url(slug, "/auth/login/"))
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#kc-login")
    page.wait_for_url(f"**{host_url(slug, '/')[len('http://') :]}**")
    return page


def choose_language(page: Page, language: str) -> None:
    """The header's switch, as a person uses it: the choice is kept on their profile (a person of the
    regional host too), so a test never depends on what an earlier one chose."""
    if page.get_attribute("html", "lang") != language:
        with page.expect_navigation():
            page.click("#lang-switch")  # one button, to the other language
    page.wait_for_selector(f'html[lang="{language}"]')


def tab_to(page: Page, selector: str, *, start: str, presses: int = 30) -> int:
    """Focus `start`, then press Tab until `selector` has the focus; the number of presses (it fails
    when the element is not reached: not keyboard-reachable, or too far in the focus order)."""
    page.focus(start)
    for count in range(1, presses + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            return count
    raise AssertionError(f"{selector} not reached by Tab from {start} in {presses} presses")
