"""The versioned realm file and the realm Keycloak actually runs."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from accounts.keycloak_realm import ORGANISATION_PROFILE_ATTRIBUTE, api_token_mappers
from accounts.roles import Role
from testkit.processes import ROOT

REALM = json.loads(Path(ROOT, "platform/keycloak/ikomek-realm.json").read_text(encoding="utf-8"))


def client(client_id: str) -> dict:
    return next(c for c in REALM["clients"] if c["clientId"] == client_id)


def by_name(mappers: list[dict]) -> dict[str, dict]:
    return {m["name"]: {k: v for k, v in m.items() if k != "id"} for m in mappers}


def test_realm_roles_are_the_role_enum():
    assert {role["name"] for role in REALM["roles"]["realm"]} == {role.value for role in Role}


def test_clients_calling_the_api_carry_the_mappers_onboarding_gives_integrators():
    expected = by_name(api_token_mappers(settings.KEYCLOAK_API_AUDIENCE))
    for client_id in ("ikomek-web", "ikomek-112"):
        assert by_name(client(client_id)["protocolMappers"]) == expected, client_id


def test_the_organisation_attribute_is_declared_as_the_upgrade_adds_it():
    provider = REALM["components"]["org.keycloak.userprofile.UserProfileProvider"][0]
    profile = json.loads(provider["config"]["kc.user.profile.config"][0])
    (declared,) = [a for a in profile["attributes"] if a["name"] == "organisation"]
    assert declared == ORGANISATION_PROFILE_ATTRIBUTE


def test_web_client_is_confidential_code_flow_with_pkce():
    web = client("ikomek-web")
    assert (web["publicClient"], web["standardFlowEnabled"], web["implicitFlowEnabled"]) == (
        False,
        True,
        False,
    )
    assert (web["directAccessGrantsEnabled"], web["serviceAccountsEnabled"]) == (False, False)
    assert web["attributes"]["pkce.code.challenge.method"] == "S256"


def test_the_realm_file_has_no_direct_grants_and_no_passwords():
    assert [c["clientId"] for c in REALM["clients"] if c.get("directAccessGrantsEnabled")] == []
    assert all("serviceAccountClientId" in user for user in REALM["users"])
    assert not any("credentials" in user for user in REALM["users"])


def test_the_112_centre_is_a_regional_service_account():
    account = next(u for u in REALM["users"] if u.get("serviceAccountClientId") == "ikomek-112")
    assert Role.DISPATCHER_112.value in account["realmRoles"]
    assert not account.get("groups")


def test_in_the_running_dev_realm_only_the_dev_client_has_direct_grants(keycloak):
    direct = {c["clientId"] for c in keycloak.get_clients() if c.get("directAccessGrantsEnabled")}
    assert direct == {"ikomek-dev-cli"}
