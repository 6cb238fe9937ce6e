"""The development realm's extras and what `make run` prints about logging in."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.keycloak_admin import master_admin, provisioner
from accounts.roles import Role
from demo.appeals import executor_organisation
from demo.dev_realm import DEMO_PASSWORD, IMPORT_CHUNK, apply_dev_realm, demo_person, demo_users
from demo.identity import seed
from tenants.models import Akimat
from tests.accounts.conftest import claims_of
from tests.conftest import SESSION_TENANTS


def test_demo_seeder_is_idempotent(tenants, keycloak):
    # The first run may add users for akimats other tests onboarded; the second must add nothing.
    list(seed())
    lines = list(seed())
    assert len(lines) == 1 and lines[0].startswith("dev realm: 0 added")


def test_banner_prints_demo_logins_and_every_integrators_secret(tenants, keycloak, capsys):
    kc = provisioner()
    active = (
        Akimat.objects.exclude(schema_name="public").filter(is_active=True).values_list("slug", flat=True)
    )
    secrets = {
        slug: kc.get_client_secrets(kc.get_client_id(f"integrator-{slug}"))["value"] for slug in active
    }
    assert {"petropavlovsk", "esil"} <= set(secrets)

    call_command("platform_banner", web_port="55005", logs=".local/dev/log")

    out = capsys.readouterr().out
    assert f"password for all: {DEMO_PASSWORD}" in out
    # make run sends the workers' output to files: the banner says where, once.
    assert out.count("Logs: workers, beat and web requests in .local/dev/log/") == 1
    assert "operator.petropavlovsk" in out and "regional-viewer" in out
    for slug, secret in secrets.items():
        assert f"integrator-{slug} / {secret}" in out
    assert "http://<akimat>.localhost:55005/auth/login/" in out
    # The printed command gets a token, as the guide says: client credentials, 300 s.
    (command,) = [line.strip() for line in out.splitlines() if "grant_type=client_credentials" in line]
    words = command.removeprefix("a token: curl ").split()
    form = dict(word.split("=", 1) for word in words[1:-1:2])
    answer = requests.post(words[-1], data=form, timeout=10).json()
    # Five minutes, as Keycloak counts them: a second may tick over between issuing and answering.
    assert answer["token_type"].lower() == "bearer" and 298 <= answer["expires_in"] <= 300
    assert claims_of(answer["access_token"])["azp"] == form["client_id"]


def test_demo_identities_are_refused_in_production():
    with override_settings(PRODUCTION=True):
        with pytest.raises(ImproperlyConfigured, match="development only"):
            apply_dev_realm(["petropavlovsk"])
        with pytest.raises(ImproperlyConfigured):
            master_admin()


def test_rotating_an_integrators_secret_retires_the_old_one(tenants, keycloak, capsys):
    kc = provisioner()
    client = kc.get_client_id("integrator-esil")
    old = kc.get_client_secrets(client)["value"]
    token_url = f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/protocol/openid-connect/token"

    def token_with(secret: str) -> requests.Response:
        form = {"grant_type": "client_credentials", "client_id": "integrator-esil", "client_secret": secret}
        return requests.post(token_url, data=form, timeout=10)

    assert token_with(old).status_code == 200
    call_command("rotate_integrator_secret", "esil")
    new = capsys.readouterr().out.strip().removeprefix("integrator-esil: ")
    assert new != old and new == kc.get_client_secrets(client)["value"]
    assert token_with(old).status_code == 401
    assert token_with(new).status_code == 200
    with pytest.raises(CommandError, match="no client integrator-nowhere"):
        call_command("rotate_integrator_secret", "nowhere")


def test_a_demo_user_made_under_an_older_name_takes_todays(tenants, keycloak):
    """The import skips users that exist, and a development realm outlives many `make run`s."""
    user_id = keycloak.get_user_id("analyst.petropavlovsk")
    keycloak.update_user(user_id, {"firstName": "Аналитик", "lastName": "Petropavlovsk"})
    line = apply_dev_realm(["petropavlovsk"])
    assert line.endswith(", 1 renamed")
    person = keycloak.get_user(user_id)
    first, last = demo_person(Role.ANALYST, "petropavlovsk")
    assert (person["firstName"], person["lastName"]) == (first, last) and first != "Аналитик"
    assert not apply_dev_realm(["petropavlovsk"]).endswith("renamed")


def test_the_demo_people_are_imported_in_parts_and_each_part_adds_what_is_missing(tenants, keycloak):
    """All of them in one import outlasted the admin client's timeout on a loaded machine (Keycloak
    hashes each password in the import), and its retry met the first import's lock."""
    names = [user.username for user in demo_users(SESSION_TENANTS, executor_organisation)]
    assert len(names) > IMPORT_CHUNK
    rare = [i for i, name in enumerate(names) if name.startswith(("lawyer.", "akim."))]
    first, last = rare[0], rare[-1]
    assert first // IMPORT_CHUNK != last // IMPORT_CHUNK
    for index in (first, last):
        keycloak.delete_user(keycloak.get_user_id(names[index]))

    line = apply_dev_realm(SESSION_TENANTS, executor_organisation)

    # The development client once, every person but the two once.
    assert line == f"dev realm: 2 added, {len(names) - 2 + 1} already there"
    for index in (first, last):
        assert keycloak.get_user_id(names[index]) is not None
