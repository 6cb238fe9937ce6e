"""Tokens the API refuses, each with an answer that says what is wrong and nothing more."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import override_settings

from testkit.graphql import refusal as graphql_refusal
from testkit.processes import free_port
from tests.accounts.conftest import MintingKey, api, claims_of

NO_AUDIENCE_CLIENT = "test-no-audience"


def refusal(response, status: int, code: str) -> str:
    """The one error of the API's envelope (apierrors.envelope); its message, as asked in English."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"errors"}, body
    (error,) = body["errors"]
    assert error == {
        "code": code,
        "message": error["message"],
        "field": None,
        "extensions": {"code": code, "field": None},
    }
    # What is wrong, never how we work inside.
    for leak in ("Traceback", "jwt.", "Error(", settings.KEYCLOAK_URL, "/certs"):
        assert leak not in error["message"]
    return error["message"]


@pytest.fixture(scope="module")
def integrator_claims(tokens) -> dict:
    """Claims of a real integrator token: re-signed below with changes, one at a time."""
    return claims_of(tokens.service("integrator-petropavlovsk"))


@pytest.fixture(scope="module")
def no_audience_secret(keycloak) -> str:
    """A real client of the realm whose tokens lack our audience (Keycloak's default `account`)."""
    client_id = keycloak.get_client_id(NO_AUDIENCE_CLIENT) or keycloak.create_client(
        {
            "clientId": NO_AUDIENCE_CLIENT,
            "publicClient": False,
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
        }
    )
    account = keycloak.get_client_service_account_user(client_id)
    keycloak.assign_realm_roles(account["id"], [keycloak.get_realm_role("integrator")])
    return keycloak.get_client_secrets(client_id)["value"]


def test_minted_control_token_is_accepted(tenants, minting_key: MintingKey, integrator_claims):
    """The minting key is the realm's own: the refusals below are for the one thing changed."""
    now = int(time.time())
    response = api("petropavlovsk", minting_key.sign(integrator_claims | {"iat": now, "exp": now + 60}))
    assert response.status_code == 200, response.content


def test_expired_token(tenants, minting_key, integrator_claims):
    now = int(time.time())
    # Past the leeway: expired two minutes ago.
    token = minting_key.sign(integrator_claims | {"iat": now - 420, "exp": now - 120})
    message = refusal(api("petropavlovsk", token), 401, "expired")
    assert message == "The token has expired."


def test_token_within_the_leeway_is_still_accepted(tenants, minting_key, integrator_claims):
    now = int(time.time())
    token = minting_key.sign(integrator_claims | {"iat": now - 300, "exp": now - 2})
    assert api("petropavlovsk", token).status_code == 200


def test_a_token_checked_before_is_still_refused_once_it_expires(tenants, minting_key, integrator_claims):
    now = int(time.time())
    token = minting_key.sign(integrator_claims | {"iat": now, "exp": now + 2})
    with override_settings(KEYCLOAK_TOKEN_LEEWAY_SECONDS=0):
        assert api("petropavlovsk", token).status_code == 200  # its signature checked, remembered
        assert api("petropavlovsk", token).status_code == 200
        time.sleep(2.2)
        assert refusal(api("petropavlovsk", token), 401, "expired") == "The token has expired."


def test_wrong_audience_from_a_real_keycloak_client(tenants, tokens, no_audience_secret):
    token = tokens.service(NO_AUDIENCE_CLIENT, no_audience_secret)
    assert "ikomek-api" not in (claims_of(token).get("aud") or [])

    message = refusal(api("petropavlovsk", token), 401, "wrong_audience")

    assert "ikomek-api" in message


def test_token_of_another_akimat(tenants, tokens):
    token = tokens.service("integrator-kyzylzhar")

    response = api("petropavlovsk", token)

    message = refusal(response, 403, "wrong_tenant")
    assert message == "This identity belongs to kyzylzhar, not to petropavlovsk."
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert api("kyzylzhar", token).status_code == 200


def test_a_regional_identity_on_an_akimats_host_is_told_so_in_a_header_clients_read(tenants, tokens):
    token = tokens.service("ikomek-112", "ikomek-112-dev-secret")  # the 112 centre: no akimat of its own

    response = api("petropavlovsk", token)

    message = refusal(response, 403, "wrong_tenant")
    assert message == "This identity belongs to no akimat: it cannot use petropavlovsk's address."
    challenge = response["WWW-Authenticate"]
    assert challenge.isascii() and not challenge.startswith("=?")  # never RFC 2047-encoded
    assert "belongs to no akimat" in challenge


def test_tampered_token(tenants, tokens):
    header, payload, signature = tokens.service("integrator-kyzylzhar").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["/akimats/petropavlovsk"]  # claim another akimat, keep the signature
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    response = api("petropavlovsk", f"{header}.{forged}.{signature}")

    assert refusal(response, 401, "bad_signature") == "The token signature is invalid."
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_token_signed_by_a_key_not_in_the_jwks(tenants, integrator_claims):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    token = jwt.encode(
        integrator_claims | {"iat": now, "exp": now + 60},
        stranger,
        algorithm="RS256",
        headers={"kid": str(uuid.uuid4())},
    )
    refusal(api("petropavlovsk", token), 401, "unknown_key")


def test_token_signed_by_another_key_under_a_known_key_id(tenants, minting_key, integrator_claims):
    stranger = MintingKey(rsa.generate_private_key(public_exponent=65537, key_size=2048), minting_key.kid)
    now = int(time.time())
    refusal(
        api("petropavlovsk", stranger.sign(integrator_claims | {"iat": now, "exp": now + 60})),
        401,
        "bad_signature",
    )


def test_token_of_another_issuer(tenants, minting_key, integrator_claims):
    now = int(time.time())
    claims = integrator_claims | {"iat": now, "exp": now + 60, "iss": "http://127.0.0.1:9/realms/ikomek"}
    refusal(api("petropavlovsk", minting_key.sign(claims)), 401, "wrong_issuer")


@pytest.mark.parametrize("algorithm", ["HS256", "none"])
def test_only_rs256_is_accepted(tenants, integrator_claims, algorithm):
    now = int(time.time())
    key = "x" * 32 if algorithm == "HS256" else None
    token = jwt.encode(integrator_claims | {"iat": now, "exp": now + 60}, key, algorithm=algorithm)
    refusal(api("petropavlovsk", token), 401, "unsupported_algorithm")


def test_an_id_token_is_not_an_access_token(tenants, minting_key, integrator_claims):
    now = int(time.time())
    token = minting_key.sign(integrator_claims | {"iat": now, "exp": now + 60, "typ": "ID"})
    assert (
        refusal(api("petropavlovsk", token), 401, "wrong_token_type") == "The token is not an access token."
    )


def test_token_without_an_ikomek_role(tenants, minting_key, integrator_claims):
    now = int(time.time())
    claims = integrator_claims | {"iat": now, "exp": now + 60, "realm_access": {"roles": ["offline_access"]}}
    refusal(api("petropavlovsk", minting_key.sign(claims)), 403, "no_role")


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c"])
def test_malformed_tokens(tenants, token):
    refusal(api("petropavlovsk", token), 401, "malformed")


def test_refusal_reaches_graphql_clients_in_graphql_shape(tenants, tokens):
    response = api(
        "petropavlovsk",
        tokens.service("integrator-kyzylzhar"),
        "/graphql/",
        "post",
        data={"query": "{ akimat { slug } }"},
        content_type="application/json",
    )
    assert response.status_code == 403
    graphql_refusal(response.json(), "wrong_tenant")


def test_identity_provider_down_is_503_not_500(tenants, tokens):
    token = tokens.password("operator.petropavlovsk")
    with override_settings(KEYCLOAK_URL=f"http://127.0.0.1:{free_port()}"):
        response = api("petropavlovsk", token)
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "provider_unavailable"
    assert response["Retry-After"] == "5"
