"""The development realm's extras and what `make run` prints about logging in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from accounts.keycloak_admin import master_admin, provisioner
from demo.dev_realm import DEMO_PASSWORD, apply_dev_realm
from demo.identity import seed


def test_demo_seeder_is_idempotent(tenants, keycloak):
    # The first run may add users for akimats other tests onboarded; the second must add nothing.
    list(seed())
    lines = list(seed())
    assert len(lines) == 1 and lines[0].startswith("dev realm: 0 added")


def test_banner_prints_demo_logins_and_the_integrator_secret(tenants, keycloak, capsys):
    kc = provisioner()
    secret = kc.get_client_secrets(kc.get_client_id("integrator-petropavlovsk"))["value"]

    call_command("platform_banner", web_port="55005")

    out = capsys.readouterr().out
    assert f"password for all: {DEMO_PASSWORD}" in out
    assert "operator.petropavlovsk" in out and "regional-viewer" in out
    assert f"integrator of petropavlovsk: integrator-petropavlovsk / {secret}" in out
    assert "http://<akimat>.localhost:55005/auth/login/" in out


def test_demo_identities_are_refused_in_production():
    with override_settings(PRODUCTION=True):
        with pytest.raises(ImproperlyConfigured, match="development only"):
            apply_dev_realm(["petropavlovsk"])
        with pytest.raises(ImproperlyConfigured):
            master_admin()
