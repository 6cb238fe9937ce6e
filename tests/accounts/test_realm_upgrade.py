"""A realm made by an earlier version (Keycloak never re-imports the realm file) is brought up to
this one by `sync_keycloak --realm`: the organisation attribute and the API token mappers it lacks
are added, nothing else is touched, and a second run finds it in line."""

from __future__ import annotations

from io import StringIO

import jwt
import pytest
from django.core.management import CommandError, call_command
from keycloak import KeycloakOpenID

from accounts.keycloak_admin import realm_admin
from accounts.realm_upgrade import upgrade_realm
from demo.dev_realm import DEMO_PASSWORD, DEV_CLIENT_ID

ORGANISATION_MAPPER = "organisation of staff"


def _executor_claims(kc_url: str, realm: str) -> dict:
    oid = KeycloakOpenID(server_url=kc_url, realm_name=realm, client_id=DEV_CLIENT_ID)
    token = oid.token("executor.petropavlovsk", DEMO_PASSWORD)["access_token"]
    return jwt.decode(token, options={"verify_signature": False})


def test_an_older_realm_gets_what_it_lacks_once(keycloak, tenants, settings):
    kc = realm_admin()
    web = next(c for c in kc.get_clients() if c["clientId"] == "ikomek-web")
    mapper = next(m for m in web["protocolMappers"] if m["name"] == ORGANISATION_MAPPER)
    profile = kc.get_realm_users_profile()
    try:
        # The realm as an earlier version left it: no organisation attribute, no mapper on the web.
        kc.remove_client_mapper(web["id"], mapper["id"])
        older = [a for a in profile["attributes"] if a["name"] != "organisation"]
        kc.update_realm_users_profile({**profile, "attributes": older})
        out = StringIO()
        call_command("sync_keycloak", "--realm", "petropavlovsk", stdout=out)
        assert "realm: user profile attribute organisation; ikomek-web: mapper 'organisation of staff'" in (
            out.getvalue()
        )
        assert "petropavlovsk:" in out.getvalue()
    finally:
        upgrade_realm(kc)  # whatever happened above, the realm is whole again for the other tests
    again = StringIO()
    call_command("sync_keycloak", "--realm", "petropavlovsk", stdout=again)
    assert "realm: in line" in again.getvalue()
    restored = next(a for a in kc.get_realm_users_profile()["attributes"] if a["name"] == "organisation")
    assert restored["permissions"] == {"view": ["admin", "user"], "edit": ["admin"]}
    # The executor's attribute value survived and reaches the token again.
    assert _executor_claims(settings.KEYCLOAK_URL, settings.KEYCLOAK_REALM)["organisation"] == "heat-network"


def test_the_upgrade_refuses_without_an_administrator(keycloak, tenants, settings):
    settings.KEYCLOAK_ADMIN_PASSWORD = ""
    with pytest.raises(CommandError, match="KEYCLOAK_ADMIN_PASSWORD is empty"):
        call_command("sync_keycloak", "--realm", stdout=StringIO())
