"""Keycloak hung: bearer requests keep being served with the keys and account statuses already
held, each process asks Keycloak at most once per cooldown, and made-up key ids cost nothing.
The outage is real: a loopback socket that accepts connections and never answers."""

from __future__ import annotations

import socket
import threading
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


class HungServer:
    """A TCP port that accepts connections and never answers (Keycloak stuck), counting them."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.accepted: list[socket.socket] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.accepted.append(connection)  # held open, never answered

    @property
    def connections(self) -> int:
        return len(self.accepted)


@contextmanager
def hung_server() -> Iterator[HungServer]:
    server = HungServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.running = False
        server.thread.join(timeout=2)
        for connection in server.accepted:
            connection.close()
        server.listener.close()


def timed(call: object) -> tuple[float, object]:
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def test_bearer_requests_are_served_through_a_keycloak_outage(tenants, tokens):
    token = tokens.password("operator.petropavlovsk")
    # Not used before the outage: its signature is still to be checked, against the keys in memory.
    fresh = tokens.password("supervisor.petropavlovsk")
    with override_settings(
        KEYCLOAK_TIMEOUT_SECONDS=TIMEOUT, KEYCLOAK_JWKS_LIFESPAN_SECONDS=1, KEYCLOAK_ACCOUNT_CHECK_SECONDS=1
    ):
        assert api("petropavlovsk", token).status_code == 200  # keys and status read while up
        with hung_server() as keycloak:
            url = keycloak.url
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

            first, answer = timed(lambda: api("petropavlovsk", fresh))
            assert answer.status_code == 200
            assert first < 8 * TIMEOUT  # a wait for the keys and one for the status, then served
            tried = keycloak.connections
            assert tried >= 2  # it did ask, and waited, once each

            answers = [api("petropavlovsk", t) for t in (token, fresh) * 10]
            assert {a.status_code for a in answers} == {200}
            # The cooldown: nobody asks Keycloak again (so nobody waits for it).
            assert keycloak.connections == tried

            claims = jwt.decode(token, options={"verify_signature": False})
            stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            forged = jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": "made-up"})
            refused = api("petropavlovsk", forged)
            assert refused.status_code == 401
            assert refused.json()["errors"][0]["code"] == "unknown_key"
            assert keycloak.connections == tried  # a made-up key id costs Keycloak nothing
            assert verifier().jwks.keycloak_unavailable and accounts().keycloak_unavailable
