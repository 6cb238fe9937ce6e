"""GraphiQL at /graphql/ (for newcomers and integrators outside production) is served whole by the
platform: every library its page loads comes from our own static files, never a CDN, so it works
with no internet (decision 113); and they are the very files graphene-django's page was made for."""

from __future__ import annotations

import base64
import hashlib
import re

from django.test import Client
from graphene_django.views import GraphQLView

HOST = "petropavlovsk.localhost"
# graphene-django's integrity hash of each library, by the file's name.
PINNED = {
    "graphiql.min.css": GraphQLView.graphiql_css_sri,
    "style.css": GraphQLView.graphiql_plugin_explorer_css_sri,
    "fetch.umd.js": GraphQLView.whatwg_fetch_sri,
    "react.production.min.js": GraphQLView.react_sri,
    "react-dom.production.min.js": GraphQLView.react_dom_sri,
    "graphiql.min.js": GraphQLView.graphiql_sri,
    "graphql-ws.min.js": GraphQLView.subscriptions_transport_ws_sri,
    "graphiql-plugin-explorer.umd.js": GraphQLView.graphiql_plugin_explorer_sri,
}


def test_graphiql_loads_its_libraries_from_the_platform_and_they_are_the_pinned_ones(tenants):
    client = Client(HTTP_HOST=HOST)
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    html = page.content.decode()
    assert page.status_code == 200 and "graphiql-settings.js" in html
    assert "<style" not in html and "<script>" not in html  # nothing inline: what a page policy refuses
    assert "cdn." not in html and "https://" not in html
    loaded = re.findall(r'<(?:script src|link href)="([^"]+)"', html)
    assert len(loaded) == len(PINNED) + 3  # and our style and settings, graphene-django's graphiql.js
    for url in loaded:
        assert url.startswith("/static/"), url
        answer = client.get(url)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert answer.status_code == 200 and body, url
        name = url.rsplit("/", 1)[1]
        if name in PINNED:
            digest = "sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode()
            assert digest == PINNED[name], f"{url} is not the version graphene-django pins"
