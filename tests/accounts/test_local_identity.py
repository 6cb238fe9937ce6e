"""Without Keycloak: local demo users, a warning at start, no bearer tokens; production refuses it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings

from accounts.provisioning import ensure_tenant_identity
from demo.appeals import executor_organisation
from demo.dev_realm import DEMO_PASSWORD, create_local_demo_users
from testkit.processes import ROOT
from tests.accounts.conftest import tenant_host

LOCAL = {
    "KEYCLOAK_URL": "",
    "LOCAL_IDENTITY": True,
    "AUTHENTICATION_BACKENDS": ["accounts.backends.LocalIdentityBackend"],
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "ikomek.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_local_demo_user_logs_in_with_a_password(tenants):
    with override_settings(**LOCAL):
        create_local_demo_users([("petropavlovsk", "petropavlovsk")])
        client = Client(HTTP_HOST=tenant_host("petropavlovsk"))
        assert client.get("/auth/login/").status_code == 200

        answer = client.post(
            "/auth/login/", {"username": "supervisor.petropavlovsk", "password": DEMO_PASSWORD}
        )
        me = client.get("/auth/me").json()

    assert answer.status_code == 302
    assert (me["username"], me["issuer"], me["subject"], me["roles"]) == (
        "supervisor.petropavlovsk",
        "local",
        "local:supervisor.petropavlovsk",
        ["supervisor"],
    )


def test_the_local_demo_executor_carries_its_organisation_into_the_principal(tenants):
    with override_settings(**LOCAL):
        create_local_demo_users([("petropavlovsk", "petropavlovsk")], executor_organisation)
        client = Client(HTTP_HOST=tenant_host("petropavlovsk"))
        client.post("/auth/login/", {"username": "executor.petropavlovsk", "password": DEMO_PASSWORD})
        executor = client.get("/auth/me").json()
        client.post("/auth/login/", {"username": "operator.petropavlovsk", "password": DEMO_PASSWORD})
        operator = client.get("/auth/me").json()

    assert (executor["username"], executor["organisation"]) == ("executor.petropavlovsk", "heat-network")
    assert (operator["username"], operator["organisation"]) == ("operator.petropavlovsk", None)


def test_local_demo_users_are_created_once(tenants):
    with override_settings(**LOCAL):
        first = create_local_demo_users([("esil", "esil")])
        second = create_local_demo_users([("esil", "esil")])
    assert first == "local demo users: 10 created"  # six akimat roles and four regional ones
    assert second == "local demo users: 0 created"


def test_bearer_tokens_are_refused_and_onboarding_skips_keycloak(tenants):
    with override_settings(**LOCAL):
        response = Client(HTTP_HOST=tenant_host("petropavlovsk"), HTTP_AUTHORIZATION="Bearer x.y.z").get(
            "/auth/me"
        )
        assert ensure_tenant_identity(tenants["petropavlovsk"]) is None
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_configured"


@pytest.mark.slow
def test_warning_at_start_of_commands_and_of_the_web():
    check = run_django(
        "from django.core.management import call_command; call_command('check')", KEYCLOAK_URL=""
    )
    web = run_django("from django.core.handlers.wsgi import WSGIHandler; WSGIHandler()", KEYCLOAK_URL="")

    assert "accounts.W001" in check.stderr + check.stdout
    assert "Keycloak is not configured" in check.stderr + check.stdout
    assert "local development identity in use" in web.stderr


@pytest.mark.slow
def test_production_needs_real_client_secrets():
    result = run_django(
        "from django.core.management import call_command; call_command('check')",
        IKOMEK_ENV="production",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 64,
        DJANGO_ALLOWED_HOSTS="109.sko.kz",
        KEYCLOAK_URL="https://sso.sko.kz",
    )
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
    assert "OIDC_RP_CLIENT_SECRET is empty or the development value" in result.stderr
