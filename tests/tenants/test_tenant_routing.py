"""Requests reach their akimat's schema by host name; unknown or switched-off hosts get a 404."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from tenants.onboarding import set_tenant_active
from testkit.queries import exact_queries


def get(host: str, path: str = "/", language: str = "ru") -> object:
    return Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language).get(path)


def test_each_tenant_host_serves_its_own_akimat(tenants):
    page = get("petropavlovsk.localhost").content.decode()
    assert "Петропавловск" in page and "591000000" in page
    page = get("esil.localhost").content.decode()
    assert "Есильский район" in page and "Есіл ауданы" not in page  # one language per screen
    page = get("esil.localhost", language="kk").content.decode()
    assert "Есіл ауданы" in page and "Есильский район" not in page


def test_graphql_answers_from_the_schema_of_the_host(tenants):
    for slug, kato in (("kyzylzhar", "595000000"), ("esil", "594200000")):
        response = Client(HTTP_HOST=f"{slug}.localhost").post(
            "/graphql/", {"query": "{ akimat { slug kato } }"}, content_type="application/json"
        )
        assert response.json() == {"data": {"akimat": {"slug": slug, "kato": kato}}}


def test_the_request_runs_in_the_tenant_schema(tenants):
    get("kyzylzhar.localhost", "/readyz")
    # The connection the view used is still on the tenant's search_path.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone()[0] == "kyzylzhar"


def test_region_host_lists_the_akimats(tenants):
    response = Client(HTTP_HOST="localhost").post(
        "/graphql/", {"query": "{ region { kato } akimats { slug } }"}, content_type="application/json"
    )
    data = response.json()["data"]
    assert data["region"]["kato"] == "590000000"
    assert {"petropavlovsk", "kyzylzhar", "esil"} <= {a["slug"] for a in data["akimats"]}


def test_unknown_host_is_404_never_the_region(tenants):
    response = get("nowhere.localhost")
    assert response.status_code == 404
    assert "По этому адресу нет службы 109" in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")  # a browser's: a page, not JSON
    assert "Северо-Казахстанская" not in response.content.decode()


@pytest.mark.parametrize("path", ["/graphql/", "/appeals/1/attachments", "/auth/me"])
def test_an_unknown_host_answers_an_api_request_in_the_error_envelope(tenants, path):
    response = Client(HTTP_HOST="nowhere.localhost", HTTP_ACCEPT_LANGUAGE="en").post(path)
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {
                "code": "unknown_host",
                "message": "There is no 109 service at this address. Check the akimat's address.",
                "field": None,
                "extensions": {"code": "unknown_host", "field": None},
            }
        ]
    }


def test_deactivated_tenant_is_404_with_a_reason(tenants):
    set_tenant_active("esil", False)
    try:
        response = get("esil.localhost")
    finally:
        # The database rolls back, Keycloak does not: esil's client is enabled again for later tests.
        set_tenant_active("esil", True)
    assert response.status_code == 404
    assert "служба 109 отключена" in response.content.decode()


@pytest.mark.parametrize("host", ["petropavlovsk.localhost", "localhost"])
def test_healthz_costs_no_query_once_the_host_is_known(tenants, host):
    assert get(host, "/healthz").status_code == 200  # warms the host map
    with exact_queries(0):
        response = get(host, "/healthz")
    assert response.status_code == 200


def test_tenant_home_query_count_is_fixed(tenants):
    get("esil.localhost")
    with exact_queries(0):
        response = get("esil.localhost")
    assert response.status_code == 200


def test_readyz_reports_each_dependency(tenants):
    response = get("esil.localhost", "/readyz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["tenant"] == "esil"
    assert set(body["checks"]) == {"database", "redis", "keycloak"}
    assert all(check["ok"] for check in body["checks"].values())
