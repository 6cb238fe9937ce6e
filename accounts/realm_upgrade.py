"""Bring a realm made by an earlier version of the platform up to what this one asks of it.

Keycloak imports platform/keycloak/ikomek-realm.json only into an empty realm, so a running realm
keeps its old shape when the file grows. This adds what is missing and never removes or rewrites
anything an administrator may have tuned: the `organisation` attribute in the user profile (editing
the profile needs a realm administrator, not the provisioning service account), and the API token
mappers of the web and 112 clients and of every integrator client. Idempotent.
"""

from __future__ import annotations

import copy

from django.conf import settings
from keycloak import KeycloakAdmin

from accounts import keycloak_realm as realm


def upgrade_realm(kc: KeycloakAdmin) -> list[str]:
    """What was added (empty: the realm was in line)."""
    return _profile_attribute(kc) + _api_mappers(kc)


def _profile_attribute(kc: KeycloakAdmin) -> list[str]:
    profile = kc.get_realm_users_profile()
    attributes = profile.setdefault("attributes", [])
    if any(attribute.get("name") == realm.ORGANISATION_ATTRIBUTE for attribute in attributes):
        return []
    attributes.append(copy.deepcopy(realm.ORGANISATION_PROFILE_ATTRIBUTE))
    kc.update_realm_users_profile(profile)
    return [f"user profile attribute {realm.ORGANISATION_ATTRIBUTE}"]


def _api_mappers(kc: KeycloakAdmin) -> list[str]:
    changes: list[str] = []
    wanted = realm.api_token_mappers(settings.KEYCLOAK_API_AUDIENCE)
    for client in kc.get_clients():
        client_id = client.get("clientId", "")
        if client_id not in realm.API_CLIENT_IDS and not client_id.startswith(realm.INTEGRATOR_CLIENT_PREFIX):
            continue
        present = {mapper["name"] for mapper in client.get("protocolMappers") or []}
        for mapper in wanted:
            if mapper["name"] not in present:
                kc.add_mapper_to_client(client["id"], copy.deepcopy(mapper))
                changes.append(f"{client_id}: mapper {mapper['name']!r}")
    return changes
