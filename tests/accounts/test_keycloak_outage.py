"""Keycloak hung: bearer requests keep being served with the keys and account statuses already
held, each process asks Keycloak at most once per cooldown, and made-up key ids cost nothing.
The outage is real: a loopback socket that accepts connections and never answers."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import override_settings
from keycloak import KeycloakAdmin

from accounts.account_status import accounts, read_from_keycloak
from accounts.tokens import verifier
from tests.accounts.conftest import api

TIMEOUT = 0.5


@contextmanager
def hung_server() -> Iterator[str]:
    """A TCP port whose connections complete but are never answered (Keycloak stuck)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def timed(call: object) -> tuple[float, object]:
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def test_bearer_requests_are_served_through_a_keycloak_outage(tenants, tokens):
    token = tokens.password("operator.petropavlovsk")
    with override_settings(
        KEYCLOAK_TIMEOUT_SECONDS=TIMEOUT, KEYCLOAK_JWKS_LIFESPAN_SECONDS=1, KEYCLOAK_ACCOUNT_CHECK_SECONDS=1
    ):
        assert api("petropavlovsk", token).status_code == 200  # keys and status read while up
        with hung_server() as url:
            verifier().jwks.uri = f"{url}/certs"
            stuck = KeycloakAdmin(
                server_url=url,
                realm_name=settings.KEYCLOAK_REALM,
                client_id="x",
                client_secret_key="x",
                grant_type="client_credentials",
                timeout=TIMEOUT,
            )
            accounts().read = lambda subject, client_id: read_from_keycloak(subject, client_id, admin=stuck)
            time.sleep(1.1)  # both caches expired: the next request must ask Keycloak

            first, answer = timed(lambda: api("petropavlovsk", token))
            assert answer.status_code == 200
            assert first < 4 * TIMEOUT  # one wait for keys, one for the status, then served
            rest = [timed(lambda: api("petropavlovsk", token)) for _ in range(20)]
            assert {answer.status_code for _, answer in rest} == {200}
            # The cooldown: no request waits for Keycloak again (each is far below one timeout).
            assert max(seconds for seconds, _ in rest) < TIMEOUT

            claims = jwt.decode(token, options={"verify_signature": False})
            stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            forged = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": "made-up"})
            invented, refused = timed(lambda: api("petropavlovsk", forged))
            assert refused.status_code == 401
            assert refused.json()["error"] == "unknown_key"
            assert invented < TIMEOUT
            assert verifier().jwks.keycloak_unavailable and accounts().keycloak_unavailable
