"""A real web server and chromium for the whole browser session; people sign in through the
real Keycloak login page."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

from accounts.provisioning import ensure_tenant_identity
from demo.appeals import executor_organisation
from demo.dev_realm import DEMO_PASSWORD, apply_dev_realm
from testkit.browser import DESK, host_url, launch_chromium, web_server
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


@pytest.fixture(scope="package")
def browser(web) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def committed_db(django_db_blocker) -> Iterator[None]:
    """The browser's server sees committed rows only; the test reads and writes them directly."""
    with django_db_blocker.unblock():
        yield
        # Playwright's greenlet gives Django's ORM another context, hence another connection:
        # close them all, or the test database cannot be dropped at the end.
        connections.close_all()


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
    with page.expect_navigation():
        page.select_option("#lang-switch", language)
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
