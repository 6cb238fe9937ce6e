"""A signing key rotated in Keycloak is picked up without restarting anything."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from django.conf import settings

from accounts.tokens import verifier
from tests.accounts.conftest import api


@pytest.fixture
def rotate_key(keycloak) -> Iterator[callable]:
    """Adds a Keycloak-generated key above the current one, as an operator rotating keys does."""
    made: list[str] = []

    def rotate() -> None:
        realm_id = keycloak.get_realm(settings.KEYCLOAK_REALM)["id"]
        made.append(
            keycloak.create_component(
                {
                    "name": "rotated-signing-key",
                    "providerId": "rsa-generated",
                    "providerType": "org.keycloak.keys.KeyProvider",
                    "parentId": realm_id,
                    "config": {
                        "priority": ["1000"],
                        "enabled": ["true"],
                        "active": ["true"],
                        "algorithm": ["RS256"],
                    },
                }
            )
        )

    yield rotate
    # Back to the realm's own key (still cached): tokens from other tests keep working.
    for component_id in made:
        keycloak.delete_component(component_id)


def kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_rotated_key_is_picked_up_without_restart(tenants, tokens, rotate_key, settings):
    settings.KEYCLOAK_JWKS_REFRESH_COOLDOWN_SECONDS = 0
    before = tokens.service("integrator-petropavlovsk", fresh=True)
    assert api("petropavlovsk", before).status_code == 200  # the JWKS is now cached
    running = verifier()

    rotate_key()
    after = tokens.service("integrator-petropavlovsk", fresh=True)

    assert kid(after) != kid(before)
    response = api("petropavlovsk", after)
    assert response.status_code == 200, response.content
    assert verifier() is running  # the same cache, refreshed in place
    # The old key is still published, so tokens issued before the rotation stay valid.
    assert api("petropavlovsk", before).status_code == 200


def test_unknown_key_ids_refetch_at_most_once_per_cooldown(tenants, tokens, rotate_key, settings):
    """A burst of made-up key ids cannot turn into a burst of JWKS requests to Keycloak."""
    settings.KEYCLOAK_JWKS_REFRESH_COOLDOWN_SECONDS = 600
    assert api("petropavlovsk", tokens.service("integrator-petropavlovsk", fresh=True)).status_code == 200

    rotate_key()
    response = api("petropavlovsk", tokens.service("integrator-petropavlovsk", fresh=True))

    # Within the cooldown the cached set is trusted: the new key is not fetched yet.
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unknown_key"
