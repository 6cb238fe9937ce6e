"""Production settings refuse to start with DEBUG on, a default secret, missing hosts or no Keycloak."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ikomek.settings_guard import DEVELOPMENT_SECRET_KEY, check_production_settings
from testkit.processes import ROOT

GOOD_SECRET = "x" * 64


def test_each_problem_is_named():
    with pytest.raises(ImproperlyConfigured) as caught:
        check_production_settings(
            debug=True, secret_key=DEVELOPMENT_SECRET_KEY, allowed_hosts=[], local_identity=True
        )
    message = str(caught.value)
    for expected in ("DEBUG must be off", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "KEYCLOAK_URL"):
        assert expected in message


def test_good_production_settings_pass():
    check_production_settings(
        debug=False, secret_key=GOOD_SECRET, allowed_hosts=["109.sko.kz", ".109.sko.kz"], local_identity=False
    )


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KEYCLOAK_URL"))}
    environment |= {"DJANGO_SETTINGS_MODULE": "ikomek.settings", "IKOMEK_ENV": "production", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_production_process_refuses_debug_and_defaults():
    result = start_django(DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert "DEBUG must be off" in result.stderr


@pytest.mark.slow
def test_production_process_starts_when_configured():
    result = start_django(
        DJANGO_SECRET_KEY=GOOD_SECRET, DJANGO_ALLOWED_HOSTS="109.sko.kz", KEYCLOAK_URL="https://sso.sko.kz"
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
