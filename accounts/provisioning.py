"""An akimat's identity in Keycloak: its group, its integrator client and its hosts on the web login.

`ensure_tenant_identity` is registered as an onboarding initializer and `disable_tenant_identity`
as a deactivator (see AccountsConfig.ready). Both are idempotent: they read first and change only
what differs, so a re-run reports nothing. Keycloak is not part of the database transaction: what
a failed onboarding created there (a group, a client nobody has the secret of) is adopted by the
re-run, never duplicated.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.db import connection, transaction
from keycloak import KeycloakAdmin, KeycloakError, urls_patterns
from keycloak.exceptions import KeycloakGetError, raise_error_from_response

from accounts import keycloak_realm as realm
from accounts.keycloak_admin import provisioner
from accounts.roles import Role

if TYPE_CHECKING:
    from tenants.models import Akimat

logger = logging.getLogger(__name__)

# Group attribute: members this platform disabled when the akimat was switched off.
DISABLED_MEMBERS_ATTRIBUTE = "ikomek.disabled_members"
WEB_CLIENT_LOCK = "keycloak:web-client-redirects"
LOGOUT_URIS_ATTRIBUTE = "post.logout.redirect.uris"


class KeycloakProvisioningError(RuntimeError):
    """Keycloak refused or could not be reached; onboarding rolls back and may simply be re-run."""


def _client(kc: KeycloakAdmin, client_id: str) -> dict[str, Any] | None:
    """The full representation of a client by its clientId (python-keycloak returns only the uuid)."""
    path = urls_patterns.URL_ADMIN_CLIENTS.format(**{"realm-name": kc.connection.realm_name})
    found = raise_error_from_response(kc.connection.raw_get(path, clientId=client_id), KeycloakGetError)
    return next((client for client in found if client.get("clientId") == client_id), None)


def _group(kc: KeycloakAdmin, path: str) -> dict[str, Any] | None:
    try:
        return kc.get_group_by_path(path)
    except KeycloakGetError as error:
        if error.response_code == 404:
            return None
        raise


def _ensure_group(kc: KeycloakAdmin, slug: str) -> tuple[dict[str, Any], list[str]]:
    path = realm.akimat_group_path(slug)
    group = _group(kc, path)
    if group is not None:
        return group, []
    parent = _group(kc, f"/{realm.AKIMATS_GROUP}")
    if parent is None:
        raise KeycloakProvisioningError(
            f"the realm has no /{realm.AKIMATS_GROUP} group; import the realm first"
        )
    kc.create_group({"name": slug}, parent=parent["id"], skip_exists=True)
    return kc.get_group_by_path(path), [f"group {path}"]


def _ensure_integrator(kc: KeycloakAdmin, tenant: Akimat, group_id: str) -> list[str]:
    changes: list[str] = []
    client_id = realm.integrator_client_id(tenant.slug)
    client = _client(kc, client_id)
    if client is None:
        display_name = tenant.name_en or tenant.name_ru
        kc.create_client(realm.integrator_client(tenant.slug, display_name, enabled=tenant.is_active))
        client = _client(kc, client_id)
        changes.append(f"client {client_id}")
    elif not client.get("enabled") and tenant.is_active:
        kc.update_client(client["id"], {"enabled": True})
        changes.append(f"client {client_id} enabled")
    account = kc.get_client_service_account_user(client["id"])
    if Role.INTEGRATOR.value not in {role["name"] for role in kc.get_realm_roles_of_user(account["id"])}:
        kc.assign_realm_roles(account["id"], [kc.get_realm_role(Role.INTEGRATOR.value)])
        changes.append(f"{client_id} has role {Role.INTEGRATOR.value}")
    if group_id not in {group["id"] for group in kc.get_user_groups(account["id"])}:
        kc.group_user_add(account["id"], group_id)
        changes.append(f"{client_id} in {realm.akimat_group_path(tenant.slug)}")
    return changes


def _hosts(tenant: Akimat) -> list[str]:
    hosts = list(tenant.domains.values_list("domain", flat=True))
    # The regional host has no onboarding of its own; every akimat's onboarding keeps it listed.
    return [*hosts, settings.BASE_DOMAIN]


def _ensure_web_login(kc: KeycloakAdmin, hosts: list[str]) -> list[str]:
    """Keycloak allows no wildcard in a redirect URI's host, so each host of ours is listed."""
    # Read-modify-write of one shared client: serialised across concurrent onboardings and
    # `sync_keycloak` runs. The lock lasts until the outermost transaction ends: onboarding's, or
    # this one's when called outside any (the command), where it would otherwise end at once.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [WEB_CLIENT_LOCK])
        return _add_web_hosts(kc, hosts)


def _add_web_hosts(kc: KeycloakAdmin, hosts: list[str]) -> list[str]:
    web = _client(kc, settings.OIDC_RP_CLIENT_ID)
    if web is None:
        raise KeycloakProvisioningError(f"the realm has no client {settings.OIDC_RP_CLIENT_ID}")
    redirects = set(web.get("redirectUris") or [])
    logouts = {uri for uri in (web.get("attributes") or {}).get(LOGOUT_URIS_ATTRIBUTE, "").split("##") if uri}
    origins = {host: realm.web_origin(host) for host in hosts}
    missing = [
        host
        for host, origin in origins.items()
        if origin + realm.CALLBACK_PATH not in redirects or origin + "/" not in logouts
    ]
    if not missing:
        return []
    new_redirects = {origins[host] + realm.CALLBACK_PATH for host in missing}
    new_logouts = {origins[host] + "/" for host in missing}
    kc.update_client(
        web["id"],
        {
            "redirectUris": sorted(redirects | new_redirects),
            "attributes": {LOGOUT_URIS_ATTRIBUTE: "##".join(sorted(logouts | new_logouts))},
        },
    )
    return [f"web login for {', '.join(missing)}"]


def _restore_members(kc: KeycloakAdmin, group: dict[str, Any]) -> list[str]:
    disabled = (group.get("attributes") or {}).get(DISABLED_MEMBERS_ATTRIBUTE) or []
    if not disabled:
        return []
    for user_id in disabled:
        kc.enable_user(user_id)
    attributes = {k: v for k, v in (group.get("attributes") or {}).items() if k != DISABLED_MEMBERS_ATTRIBUTE}
    kc.update_group(group["id"], {"name": group["name"], "attributes": attributes})
    return [f"{len(disabled)} member(s) enabled again"]


def _provisioning(action: str, slug: str) -> KeycloakProvisioningError:
    return KeycloakProvisioningError(f"Keycloak: could not {action} for akimat {slug!r}")


def ensure_tenant_identity(tenant: Akimat) -> str | None:
    """Onboarding initializer: group, integrator client and web login hosts of the akimat."""
    if settings.LOCAL_IDENTITY:
        return None
    kc = provisioner()
    try:
        group, changes = _ensure_group(kc, tenant.slug)
        changes += _ensure_integrator(kc, tenant, group["id"])
        changes += _ensure_web_login(kc, _hosts(tenant))
        if tenant.is_active:
            changes += _restore_members(kc, group)
    except (KeycloakError, requests.RequestException) as error:
        logger.exception("keycloak provisioning failed", extra={"akimat": tenant.slug})
        raise _provisioning("provision the group and integrator client", tenant.slug) from error
    return "; ".join(changes) or None


def disable_tenant_identity(tenant: Akimat) -> str | None:
    """Deactivator: the integrator client and the akimat's people can no longer sign in."""
    if settings.LOCAL_IDENTITY:
        return None
    kc = provisioner()
    changes: list[str] = []
    try:
        client = _client(kc, realm.integrator_client_id(tenant.slug))
        if client is not None and client.get("enabled"):
            kc.update_client(client["id"], {"enabled": False})
            changes.append(f"client {client['clientId']} disabled")
        group = _group(kc, realm.akimat_group_path(tenant.slug))
        if group is not None:
            people = [
                member
                for member in kc.get_group_members(group["id"])
                if member.get("enabled") and not member["username"].startswith("service-account-")
            ]
            if people:
                already = (group.get("attributes") or {}).get(DISABLED_MEMBERS_ATTRIBUTE) or []
                attributes = dict(group.get("attributes") or {})
                attributes[DISABLED_MEMBERS_ATTRIBUTE] = sorted({*already, *(m["id"] for m in people)})
                # Recorded first: a failure half-way still leaves the list to restore from.
                kc.update_group(group["id"], {"name": group["name"], "attributes": attributes})
                for member in people:
                    kc.disable_user(member["id"])
                    kc.user_logout(member["id"])
                changes.append(f"{len(people)} member(s) of {group['path']} disabled")
    except (KeycloakError, requests.RequestException) as error:
        logger.exception("keycloak deprovisioning failed", extra={"akimat": tenant.slug})
        raise _provisioning("disable the group members and integrator client", tenant.slug) from error
    return "; ".join(changes) or None


def remove_tenant_identity(tenant: Akimat) -> str | None:
    """Undo of a new akimat's failed onboarding: its integrator client and group go again (a new
    akimat's group holds no people yet, only the client's service account). Its web login host
    stays listed: harmless without the akimat, and the shared client is edited only under a lock."""
    if settings.LOCAL_IDENTITY:
        return None
    kc = provisioner()
    changes: list[str] = []
    try:
        client = _client(kc, realm.integrator_client_id(tenant.slug))
        if client is not None:
            kc.delete_client(client["id"])
            changes.append(f"client {client['clientId']} removed")
        group = _group(kc, realm.akimat_group_path(tenant.slug))
        if group is not None:
            people = [
                m
                for m in kc.get_group_members(group["id"])
                if not m["username"].startswith("service-account-")
            ]
            if people:
                return "; ".join([*changes, f"group {group['path']} kept: it has members"])
            kc.delete_group(group["id"])
            changes.append(f"group {group['path']} removed")
    except (KeycloakError, requests.RequestException) as error:
        raise _provisioning("remove the group and integrator client", tenant.slug) from error
    return "; ".join(changes) or None


def rotate_integrator_secret(slug: str) -> str:
    """A new secret for the akimat's integrator client (Keycloak generates it); the old one stops
    working at once, tokens already issued with it live out their 300 s."""
    kc = provisioner()
    client_id = realm.integrator_client_id(slug)
    try:
        client = _client(kc, client_id)
        if client is None:
            raise KeycloakProvisioningError(f"Keycloak has no client {client_id}: onboard the akimat first")
        return kc.generate_client_secrets(client["id"])["value"]
    except (KeycloakError, requests.RequestException) as error:
        logger.exception("keycloak secret rotation failed", extra={"akimat": slug})
        raise _provisioning("rotate the integrator's secret", slug) from error
