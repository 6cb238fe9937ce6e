"""The development realm's client secrets are public; production never depends on them.

The production realm definition carries no client secret (Keycloak generates them at import), the
README and docs publish none, and a Keycloak that still accepts one is refused at start (system
check accounts.E002) — tried here against the real test Keycloak, whose development realm does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.conf import settings
from keycloak import KeycloakAdmin

from accounts.checks import development_secret_accepted, keycloak_refuses_development_secrets
from accounts.keycloak_realm import DEVELOPMENT_CLIENT_SECRETS
from testkit.paths import ROOT
from testkit.processes import env_for_test_database

REALM_FILE = Path(ROOT, "platform/keycloak/ikomek-realm.json")
DEV_SECRETS_FILE = Path(ROOT, "platform/keycloak/dev-client-secrets.json")
CONFIDENTIAL = ("ikomek-web", "ikomek-112", "ikomek-provisioner")


def test_the_production_realm_file_carries_no_client_secret():
    realm = json.loads(REALM_FILE.read_text(encoding="utf-8"))
    assert [c["clientId"] for c in realm["clients"] if "secret" in c] == []
    confidential = [c["clientId"] for c in realm["clients"] if c.get("clientAuthenticatorType")]
    assert sorted(confidential) == sorted(CONFIDENTIAL)
    for secret in DEVELOPMENT_CLIENT_SECRETS.values():
        assert secret not in REALM_FILE.read_text(encoding="utf-8")


def test_the_development_secrets_are_one_list():
    file = json.loads(DEV_SECRETS_FILE.read_text(encoding="utf-8"))["secrets"]
    assert file == DEVELOPMENT_CLIENT_SECRETS
    # The test profile's defaults are those secrets (production has no default, accounts.E001).
    defaults = (settings.OIDC_RP_CLIENT_SECRET, settings.KEYCLOAK_PROVISIONER_SECRET)
    assert defaults == (file["ikomek-web"], file["ikomek-provisioner"])


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in Path(ROOT, "docs").glob("*.md"))])
def test_no_page_publishes_a_client_secret(page):
    path = Path(ROOT, page) if page == "README.md" else Path(ROOT, "docs", page)
    text = path.read_text(encoding="utf-8")
    published = [secret for secret in DEVELOPMENT_CLIENT_SECRETS.values() if secret in text]
    assert published == [], f"{page} publishes {published}"


# ------------------------------------------------------------------ the check, against real Keycloak
def test_the_test_keycloak_accepts_the_development_secrets_and_the_check_says_so(keycloak):
    # The check's evidence first: the dev realm hands out a dispatcher_112 token for the public secret.
    assert development_secret_accepted("ikomek-112", DEVELOPMENT_CLIENT_SECRETS["ikomek-112"]) is True
    assert development_secret_accepted("ikomek-112", "not-the-secret") is False
    # The web client has no service account; its secret is still recognised.
    assert development_secret_accepted("ikomek-web", DEVELOPMENT_CLIENT_SECRETS["ikomek-web"]) is True

    messages = keycloak_refuses_development_secrets()
    assert {m.id for m in messages} == {"accounts.E002"}
    assert sorted(m.msg.rsplit(" ", 1)[-1] for m in messages) == sorted(CONFIDENTIAL)


def test_an_unreachable_keycloak_is_a_warning_not_a_pass(settings):
    settings.KEYCLOAK_URL = "http://127.0.0.1:9"
    messages = keycloak_refuses_development_secrets()
    assert {m.id for m in messages} == {"accounts.W002"} and len(messages) == len(CONFIDENTIAL)


@pytest.fixture
def production_realm(keycloak: KeycloakAdmin) -> Iterator[str]:
    """platform/keycloak/ikomek-realm.json imported as is, under a name of its own, as production would."""
    realm = json.loads(REALM_FILE.read_text(encoding="utf-8"))
    name = f"prod-{uuid.uuid4().hex[:8]}"
    realm["realm"] = name
    keycloak.create_realm(realm)
    try:
        yield name
    finally:
        keycloak.delete_realm(name)


def test_the_production_realm_gets_generated_secrets_and_passes_the_check(production_realm, settings):
    admin = KeycloakAdmin(
        server_url=settings.KEYCLOAK_URL,
        username=settings.KEYCLOAK_ADMIN_USER,
        password=settings.KEYCLOAK_ADMIN_PASSWORD,
        realm_name=production_realm,
        user_realm_name="master",
    )
    generated = {}
    for client in admin.get_clients():
        if client["clientId"] in CONFIDENTIAL:
            generated[client["clientId"]] = admin.get_client_secrets(client["id"])["value"]
    assert set(generated) == set(CONFIDENTIAL)
    for client_id, secret in generated.items():
        assert len(secret) >= 32 and secret != DEVELOPMENT_CLIENT_SECRETS[client_id]

    settings.KEYCLOAK_REALM = production_realm
    assert keycloak_refuses_development_secrets() == []
    # The generated secret works where the public one does not: the 112 centre gets its token.
    token_url = f"{settings.KEYCLOAK_URL}/realms/{production_realm}/protocol/openid-connect/token"
    grant = {"grant_type": "client_credentials", "client_id": "ikomek-112"}
    assert requests.post(token_url, data=grant | {"client_secret": generated["ikomek-112"]}, timeout=10).ok
    public = requests.post(
        token_url, data=grant | {"client_secret": DEVELOPMENT_CLIENT_SECRETS["ikomek-112"]}, timeout=10
    )
    assert public.status_code == 401


# ------------------------------------------------------------------ at start, in production
def production_process(code: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in env_for_test_database().items()
        if not k.startswith(("DJANGO_", "KEYCLOAK_WEB", "KEYCLOAK_PROVISIONER", "IKOMEK_ENV"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "ikomek.settings",
        "IKOMEK_ENV": "production",
        "DJANGO_SECRET_KEY": "k" * 64,
        "DJANGO_ALLOWED_HOSTS": "localhost,.localhost",
        # The platform's own secrets are not the development ones: only Keycloak's answer is wrong.
        "KEYCLOAK_WEB_CLIENT_SECRET": "w" * 40,
        "KEYCLOAK_PROVISIONER_SECRET": "p" * 40,
        "KEYCLOAK_URL": settings.KEYCLOAK_URL,
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.mark.slow
def test_check_deploy_fails_against_a_keycloak_with_the_development_realm(keycloak):
    result = production_process(
        "from django.core.management import call_command; call_command('check', deploy=True)"
    )
    assert result.returncode != 0
    assert "accounts.E002" in result.stderr
    assert "accepts the published development secret of the client ikomek-112" in result.stderr


@pytest.mark.slow
def test_the_production_web_refuses_to_start_against_it(keycloak):
    result = production_process("import ikomek.wsgi; print('started')")
    assert result.returncode != 0 and "started" not in result.stdout
    assert "Refusing to start the web in production" in result.stderr
    assert "accounts.E002" in result.stderr and "accounts.E001" not in result.stderr
