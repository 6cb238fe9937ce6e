"""The sandbox's integrator client (decision 79): a real Keycloak client of its own, whose token
works on the sandbox's host and is refused at every real akimat's and at the region's, and which
`make run`'s banner prints marked as the sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command

from accounts.keycloak_admin import provisioner
from tenants.models import Akimat
from tenants.sandbox import SANDBOX_SLUG, sandbox_spec
from testkit.tenants import scratch_akimat
from tests.accounts.conftest import api

CLIENT = f"integrator-{SANDBOX_SLUG}"


@pytest.fixture(scope="module")
def sandbox(onboarded: dict[str, Akimat], django_db_blocker: pytest.FixtureRequest) -> Iterator[Akimat]:
    with scratch_akimat(sandbox_spec(), django_db_blocker) as tenant:
        yield tenant


def test_the_sandbox_token_works_in_the_sandbox_only(tokens, tenants, sandbox):
    token = tokens.service(CLIENT)
    me = api(SANDBOX_SLUG, token).json()
    assert (me["kind"], me["tenant"], me["roles"]) == ("service", SANDBOX_SLUG, ["integrator"])
    for slug in ("petropavlovsk", "kyzylzhar"):
        refused = api(slug, token, "/graphql/", "post", data={"query": "{ akimat { slug } }"},
                      content_type="application/json")  # fmt: skip
        assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "wrong_tenant"
    regional = api(None, token, "/graphql/", "post", data={"query": "{ akimats { slug } }"},
                   content_type="application/json")  # fmt: skip
    assert regional.status_code == 403 and regional.json()["errors"][0]["code"] == "not_regional"
    # And the other way: a real akimat's token is no key to the sandbox.
    real = api(SANDBOX_SLUG, tokens.service("integrator-petropavlovsk"), "/graphql/", "post",
               data={"query": "{ akimat { slug } }"}, content_type="application/json")  # fmt: skip
    assert real.status_code == 403 and real.json()["errors"][0]["code"] == "wrong_tenant"


def test_the_banner_prints_the_sandbox_secret_marked_as_such(keycloak, tenants, sandbox, capsys):
    kc = provisioner()
    secret = kc.get_client_secrets(kc.get_client_id(CLIENT))["value"]
    call_command("platform_banner", web_port="55006")
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if f"{CLIENT} / {secret}" in line]
    assert "SANDBOX at sandbox.localhost" in line
    (site,) = [line for line in out.splitlines() if "http://sandbox.localhost:55006/" in line]
    assert "nothing reaches 112" in site
    assert "integrator-petropavlovsk / " in out  # the real akimats' clients are printed too
