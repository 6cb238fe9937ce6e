"""GraphiQL works in a browser with no internet: nothing leaves the platform's own origin, and a
query typed there is answered (decision 113)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from testkit.browser import host_url, screenshot

OUR_OWN = re.compile(r"^https?://([a-z0-9-]+\.)*(localhost|127\.0\.0\.1)(:\d+)?/")


@pytest.mark.browser
def test_graphiql_runs_a_query_with_every_outside_address_cut_off(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    outside: list[str] = []

    def cut_off(route) -> None:
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not OUR_OWN.match(url), cut_off)
    page = context.new_page()
    try:
        page.goto(host_url("petropavlovsk", "/graphql/#query=" + quote("{ __typename }")))
        expect(page.locator(".graphiql-container")).to_be_visible()
        page.locator(".graphiql-execute-button").click()
        expect(page.locator(".graphiql-response")).to_contain_text('"__typename": "Query"')
        screenshot(page, "graphiql")
        assert outside == []
    finally:
        context.close()
