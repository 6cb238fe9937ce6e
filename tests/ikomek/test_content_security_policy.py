"""Every page carries a Content-Security-Policy that runs only our own files' scripts and styles
(no inline code, no eval), is never framed and posts forms only to us (and the sign-out's redirect
to Keycloak); the API's JSON answers do not need one. No template holds an inline script, style or
handler the policy would refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("petropavlovsk.localhost", "/appeal/"),
        ("petropavlovsk.localhost", "/figures/"),
        ("localhost", "/figures/"),
        ("petropavlovsk.localhost", "/open-data/"),
        ("localhost", "/open-data/"),
        ("petropavlovsk.localhost", "/track/"),
    ],
)
def test_a_page_runs_only_our_own_files(tenants, host, path):
    answer = Client(HTTP_HOST=host).get(path)
    assert answer.status_code == 200
    policy = directives(answer)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["form-action"][0] == "'self'"
    assert "'unsafe-inline'" not in answer["Content-Security-Policy"]
    assert "'unsafe-eval'" not in answer["Content-Security-Policy"]


def test_the_apis_json_has_none(tenants):
    answer = Client(HTTP_HOST="petropavlovsk.localhost").post(
        "/graphql/", {"query": "{ __typename }"}, content_type="application/json"
    )
    assert answer.status_code == 200 and "Content-Security-Policy" not in answer


def test_no_template_holds_what_the_policy_refuses():
    """Inline handlers, inline scripts and style attributes would be refused in the browser; htmx's
    `hx-on` and `js:` values and trigger filters need eval, which is off."""
    refused = (
        "onclick=",
        "onchange=",
        "onfocus=",
        "onsubmit=",
        "oninput=",
        "onload=",
        "hx-on",
        "js:",
        'style="',
    )
    found = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(ROOT)}: {word}" for word in refused if word in text]
        found += [
            f"{template.relative_to(ROOT)}: <script> without src"
            for line in text.split("<script")[1:]
            if "src=" not in line.split(">")[0]
        ]
        found += [
            f"{template.relative_to(ROOT)}: trigger filter"
            for line in text.split('hx-trigger="')[1:]
            if "[" in line.split('"')[0]
        ]
    assert found == []
