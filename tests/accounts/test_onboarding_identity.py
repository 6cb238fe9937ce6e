"""Onboarding provisions the akimat's Keycloak group, integrator client and web login hosts, once;
deactivation switches them off; a failed onboarding rolls back and a re-run succeeds.

Keycloak is not rolled back with the test's transaction: each test starts from a Keycloak without
the test akimat (a real ROLLBACK of onboarding is shown by tests/tenants/test_onboarding.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_exists
from keycloak import KeycloakAdmin, KeycloakError, KeycloakOpenID

from accounts import keycloak_realm
from accounts.provisioning import KeycloakProvisioningError, ensure_tenant_identity, remove_tenant_identity
from demo.dev_realm import DEMO_PASSWORD, DEV_CLIENT_ID
from tenants import lifecycle
from tenants.models import Akimat
from tenants.onboarding import onboard_tenant, set_tenant_active
from tenants.specs import TenantSpec
from testkit.processes import free_port
from testkit.tenants import square_district
from tests.accounts.conftest import api, tenant_host

SLUG = "identity-new"
GROUP = f"/akimats/{SLUG}"
CLIENT = f"integrator-{SLUG}"
MEMBER = f"member.{SLUG}"


def spec() -> TenantSpec:
    return square_district(SLUG, "599500000", "Identity Test District", west=69.2, south=54.2)


def forget_in_keycloak(kc: KeycloakAdmin) -> None:
    for client in kc.get_clients():
        if client["clientId"] == CLIENT:
            kc.delete_client(client["id"])
    for group in kc.get_group_children(kc.get_group_by_path("/akimats")["id"]):
        if group["name"] == SLUG:
            kc.delete_group(group["id"])
    if user_id := kc.get_user_id(MEMBER):
        kc.delete_user(user_id)
    web = kc.get_client(kc.get_client_id("ikomek-web"))
    origin = f"http://{tenant_host(SLUG)}"
    logouts = web["attributes"]["post.logout.redirect.uris"].split("##")
    kc.update_client(
        web["id"],
        {
            "redirectUris": [uri for uri in web["redirectUris"] if not uri.startswith(origin)],
            "attributes": {
                "post.logout.redirect.uris": "##".join(u for u in logouts if not u.startswith(origin))
            },
        },
    )


@pytest.fixture
def clean_keycloak(keycloak, tenants) -> Iterator[KeycloakAdmin]:
    """A Keycloak without the test akimat, before and after (the database rolls back by itself)."""
    forget_in_keycloak(keycloak)
    yield keycloak
    forget_in_keycloak(keycloak)


def groups_named(kc: KeycloakAdmin, name: str) -> int:
    return sum(
        group["name"] == name for group in kc.get_group_children(kc.get_group_by_path("/akimats")["id"])
    )


def clients_named(kc: KeycloakAdmin, client_id: str) -> int:
    return sum(client["clientId"] == client_id for client in kc.get_clients())


def web_client(kc: KeycloakAdmin) -> dict:
    return kc.get_client(kc.get_client_id("ikomek-web"))


def integrator_token(kc: KeycloakAdmin) -> str:
    internal_id = kc.get_client_id(CLIENT)
    oid = KeycloakOpenID(
        server_url=settings.KEYCLOAK_URL,
        realm_name=settings.KEYCLOAK_REALM,
        client_id=CLIENT,
        client_secret_key=kc.get_client_secrets(internal_id)["value"],
    )
    return oid.token(grant_type="client_credentials")["access_token"]


def member_token() -> str:
    oid = KeycloakOpenID(
        server_url=settings.KEYCLOAK_URL, realm_name=settings.KEYCLOAK_REALM, client_id=DEV_CLIENT_ID
    )
    return oid.token(MEMBER, DEMO_PASSWORD)["access_token"]


def test_onboarding_creates_group_client_and_web_login_once(clean_keycloak):
    kc = clean_keycloak
    result = onboard_tenant(spec())

    keycloak_changes = next(change for change in result.changes if change.startswith("keycloak: "))
    assert f"group {GROUP}" in keycloak_changes
    assert f"client {CLIENT}" in keycloak_changes
    assert f"web login for {SLUG}.{settings.BASE_DOMAIN}" in keycloak_changes
    # The integrator client: a service account only, of this akimat, with the integrator role.
    client = kc.get_client(kc.get_client_id(CLIENT))
    assert (client["enabled"], client["serviceAccountsEnabled"], client["standardFlowEnabled"]) == (
        True,
        True,
        False,
    )
    assert client["directAccessGrantsEnabled"] is False
    assert client["attributes"][keycloak_realm.TENANT_ATTRIBUTE] == SLUG
    account = kc.get_client_service_account_user(client["id"])
    assert "integrator" in {role["name"] for role in kc.get_realm_roles_of_user(account["id"])}
    assert [group["path"] for group in kc.get_user_groups(account["id"])] == [GROUP]
    # The web console may send people back to the new host, and only there.
    origin = f"http://{tenant_host(SLUG)}"
    assert f"{origin}/auth/callback/" in web_client(kc)["redirectUris"]
    assert f"{origin}/" in web_client(kc)["attributes"]["post.logout.redirect.uris"].split("##")
    # Its token works on its host at once.
    me = api(SLUG, integrator_token(kc)).json()
    assert (me["kind"], me["tenant"], me["roles"]) == ("service", SLUG, ["integrator"])

    again = onboard_tenant(spec())

    assert again.changes == []
    assert (groups_named(kc, SLUG), clients_named(kc, CLIENT)) == (1, 1)
    assert web_client(kc)["redirectUris"].count(f"{origin}/auth/callback/") == 1


def test_a_failing_initializer_rolls_back_and_the_rerun_succeeds(clean_keycloak):
    kc = clean_keycloak

    def catalogue_service_down(tenant: Akimat) -> str:
        raise RuntimeError("catalogue service down")

    lifecycle.register_initializer("test-after-keycloak", catalogue_service_down)
    try:
        with pytest.raises(RuntimeError, match="catalogue service down"):
            onboard_tenant(spec())
    finally:
        lifecycle.unregister("test-after-keycloak")
    connection.set_schema_to_public()
    assert not Akimat.objects.filter(slug=SLUG).exists() and not schema_exists("identity_new")
    # Keycloak is not in the transaction: the onboarding's undo removed what it had made there.
    assert (groups_named(kc, SLUG), clients_named(kc, CLIENT)) == (0, 0)

    result = onboard_tenant(spec())
    assert result.created
    assert (groups_named(kc, SLUG), clients_named(kc, CLIENT)) == (1, 1)
    assert api(SLUG, integrator_token(kc)).status_code == 200


def test_a_failed_rerun_of_an_existing_akimat_keeps_its_keycloak_objects(clean_keycloak):
    kc = clean_keycloak
    assert onboard_tenant(spec()).created

    def catalogue_service_down(tenant: Akimat) -> str:
        raise RuntimeError("catalogue service down")

    lifecycle.register_initializer("test-after-keycloak", catalogue_service_down)
    try:
        with pytest.raises(RuntimeError, match="catalogue service down"):
            onboard_tenant(spec())
    finally:
        lifecycle.unregister("test-after-keycloak")
    connection.set_schema_to_public()
    assert Akimat.objects.filter(slug=SLUG).exists()
    assert (groups_named(kc, SLUG), clients_named(kc, CLIENT)) == (1, 1)
    assert api(SLUG, integrator_token(kc)).status_code == 200


def test_keycloak_objects_left_by_an_older_failure_are_adopted_not_doubled(clean_keycloak):
    kc = clean_keycloak
    # As after a failure whose undo could not reach Keycloak: group and client already there.
    lifecycle.register_initializer("keycloak", ensure_tenant_identity)  # no undo this time
    lifecycle.register_initializer("test-after-keycloak", lambda tenant: 1 / 0)
    try:
        with pytest.raises(ZeroDivisionError):
            onboard_tenant(spec())
    finally:
        lifecycle.unregister("test-after-keycloak")
        lifecycle.register_initializer("keycloak", ensure_tenant_identity, undo=remove_tenant_identity)
    connection.set_schema_to_public()
    assert (groups_named(kc, SLUG), clients_named(kc, CLIENT)) == (1, 1)

    assert onboard_tenant(spec()).created
    assert (groups_named(kc, SLUG), clients_named(kc, CLIENT)) == (1, 1)
    assert api(SLUG, integrator_token(kc)).status_code == 200


def test_keycloak_down_during_onboarding_rolls_it_back(clean_keycloak):
    with (
        override_settings(KEYCLOAK_URL=f"http://127.0.0.1:{free_port()}"),
        pytest.raises(
            KeycloakProvisioningError, match=f"Keycloak: could not provision .* for akimat '{SLUG}'"
        ),
    ):
        onboard_tenant(spec())
    connection.set_schema_to_public()
    assert not Akimat.objects.filter(slug=SLUG).exists() and not schema_exists("identity_new")

    assert onboard_tenant(spec()).created
    assert (groups_named(clean_keycloak, SLUG), clients_named(clean_keycloak, CLIENT)) == (1, 1)


def test_deactivation_disables_client_and_members_and_reonboarding_restores(clean_keycloak):
    kc = clean_keycloak
    onboard_tenant(spec())
    kc.create_user(
        {
            "username": MEMBER,
            "enabled": True,
            "firstName": "Тест",
            "lastName": "Оператор",
            "email": f"{MEMBER}@demo.ikomek.invalid",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
            "groups": [GROUP],
        }
    )
    kc.assign_realm_roles(kc.get_user_id(MEMBER), [kc.get_realm_role("operator")])
    assert api(SLUG, member_token()).json()["roles"] == ["operator"]

    changes = set_tenant_active(SLUG, False)

    assert f"keycloak: client {CLIENT} disabled; 1 member(s) of {GROUP} disabled" in changes
    with pytest.raises(KeycloakError, match="invalid_client"):
        integrator_token(kc)
    with pytest.raises(KeycloakError, match="Account disabled"):
        member_token()

    reactivated = set_tenant_active(SLUG, True)

    assert f"keycloak: client {CLIENT} enabled; 1 member(s) enabled again" in reactivated
    assert api(SLUG, member_token()).status_code == 200
    assert api(SLUG, integrator_token(kc)).status_code == 200
    rerun = onboard_tenant(spec())  # nothing left for a re-onboarding to restore in Keycloak
    assert [change for change in rerun.changes if change.startswith("keycloak")] == []


def test_switch_off_while_keycloak_is_down_is_repaired_by_sync(clean_keycloak):
    onboard_tenant(spec())
    with (
        override_settings(KEYCLOAK_URL=f"http://127.0.0.1:{free_port()}"),
        pytest.raises(KeycloakProvisioningError),
    ):
        set_tenant_active(SLUG, False)
    assert clean_keycloak.get_client(clean_keycloak.get_client_id(CLIENT))[
        "enabled"
    ]  # nothing reached Keycloak

    out = StringIO()
    call_command("sync_keycloak", SLUG, stdout=out)

    assert out.getvalue() == f"{SLUG}: client {CLIENT} disabled\n"
    assert not clean_keycloak.get_client(clean_keycloak.get_client_id(CLIENT))["enabled"]
    # Switched on again while Keycloak is down: the registry says active, sync repairs Keycloak.
    with (
        override_settings(KEYCLOAK_URL=f"http://127.0.0.1:{free_port()}"),
        pytest.raises(KeycloakProvisioningError),
    ):
        set_tenant_active(SLUG, True)
    assert not clean_keycloak.get_client(clean_keycloak.get_client_id(CLIENT))["enabled"]
    call_command("sync_keycloak", SLUG, stdout=out)
    assert out.getvalue().endswith(f"{SLUG}: client {CLIENT} enabled\n")
    assert api(SLUG, integrator_token(clean_keycloak)).status_code == 200
