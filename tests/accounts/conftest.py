"""Identity fixtures: the real test Keycloak with its development realm, tokens and a browser login."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.test import Client
from keycloak import KeycloakAdmin, KeycloakOpenID

from accounts import keycloak_realm
from accounts.keycloak_admin import master_admin, provisioner
from accounts.provisioning import ensure_tenant_identity
from accounts.tokens import verifier
from demo.appeals import executor_organisation
from demo.dev_realm import DEMO_PASSWORD, DEV_CLIENT_ID, apply_dev_realm
from tests.conftest import SESSION_TENANTS


def tenant_host(slug: str | None) -> str:
    """The host (with the registered port) browsers use for an akimat, or the region for None."""
    base = settings.BASE_DOMAIN if slug is None else f"{slug}.{settings.BASE_DOMAIN}"
    return f"{base}:{settings.IKOMEK_PUBLIC_PORT}"


@pytest.fixture(scope="session", autouse=True)
def keycloak(onboarded, django_db_blocker) -> KeycloakAdmin:
    """One master-admin connection for the session, on a realm with the dev extras and demo users
    (autouse: every test here may log a demo user in, in whatever order tests run)."""
    with django_db_blocker.unblock():
        # Other areas' tests switch akimats off and roll the database back; Keycloak keeps the
        # switch-off. Re-running the initializer is exactly how an akimat is restored.
        for tenant in onboarded.values():
            ensure_tenant_identity(tenant)
    apply_dev_realm(SESSION_TENANTS, executor_organisation)
    return master_admin()


@dataclass
class Tokens:
    """Real tokens from the test Keycloak, reused while they have a minute to live."""

    openid_url: str
    _cache: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)

    def _cached(self, key: tuple[str, str], fetch: object) -> str:
        expires, token = self._cache.get(key, (0.0, ""))
        if expires - time.time() > 60:
            return token
        token = fetch()
        self._cache[key] = (jwt.decode(token, options={"verify_signature": False})["exp"], token)
        return token

    def password(self, username: str, password: str = DEMO_PASSWORD) -> str:
        """A person's access token by the dev realm's direct grant."""
        oid = KeycloakOpenID(
            server_url=self.openid_url, realm_name=settings.KEYCLOAK_REALM, client_id=DEV_CLIENT_ID
        )
        return self._cached(("user", username), lambda: oid.token(username, password)["access_token"])

    def service(self, client_id: str, secret: str | None = None, *, fresh: bool = False) -> str:
        """A client-credentials token (integrators: the secret is read from Keycloak)."""
        if secret is None:
            kc = provisioner()
            secret = kc.get_client_secrets(kc.get_client_id(client_id))["value"]
        oid = KeycloakOpenID(
            server_url=self.openid_url,
            realm_name=settings.KEYCLOAK_REALM,
            client_id=client_id,
            client_secret_key=secret,
        )
        fetch = lambda: oid.token(grant_type="client_credentials")["access_token"]  # noqa: E731
        return fetch() if fresh else self._cached(("service", client_id), fetch)


@pytest.fixture(scope="session")
def tokens(keycloak) -> Tokens:
    return Tokens(settings.KEYCLOAK_URL)


def api(slug: str | None, token: str, path: str = "/auth/me", method: str = "get", **kwargs: object):
    """A request on an akimat's host (or the region's, for None) with a bearer token, asking for
    English messages (Accept-Language: en)."""
    client = Client(
        HTTP_HOST=tenant_host(slug), HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en"
    )
    return getattr(client, method)(path, **kwargs)


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@dataclass(frozen=True)
class MintingKey:
    """An RSA key registered in the realm (so in its JWKS) but never used by Keycloak to sign."""

    private_key: rsa.RSAPrivateKey
    kid: str

    def sign(self, claims: dict, **headers: object) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid, **headers})


@pytest.fixture(scope="session")
def minting_key(keycloak) -> Iterator[MintingKey]:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    realm_id = keycloak.get_realm(settings.KEYCLOAK_REALM)["id"]
    component_id = keycloak.create_component(
        {
            "name": "test-minting-key",
            "providerId": "rsa",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            # Lowest priority: published in the JWKS, while Keycloak keeps signing with its own key.
            "config": {
                "priority": ["1"],
                "enabled": ["true"],
                "active": ["true"],
                "algorithm": ["RS256"],
                "privateKey": [pem],
            },
        }
    )
    kid = next(key["kid"] for key in keycloak.get_keys()["keys"] if key.get("providerId") == component_id)
    # Start from an empty key cache, as after a restart: within the refresh cooldown a cache filled
    # earlier would rightly refuse the new key (picking keys up in flight: test_key_rotation.py).
    verifier.cache_clear()
    yield MintingKey(private_key, kid)
    keycloak.delete_component(component_id)


# ------------------------------------------------------------------ a browser at the login page
class LocalhostBrowser(requests.Session):
    """Browsers treat http://localhost as a secure context and send Keycloak's Secure cookies
    back to it; requests would not, so the cookies are kept as a browser keeps them."""

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


@dataclass
class BrowserLogin:
    """Our side through Django's test Client, Keycloak's login form through `requests`."""

    host: str
    client: Client = field(init=False)
    browser: requests.Session = field(default_factory=LocalhostBrowser)
    authorize_url: str = ""

    def __post_init__(self) -> None:
        self.client = Client(HTTP_HOST=self.host)

    def start(self, path: str = "/auth/login/") -> str:
        response = self.client.get(path)
        assert response.status_code == 302, response.content
        self.authorize_url = response["Location"]
        return self.authorize_url

    def submit_credentials(self, username: str, password: str = DEMO_PASSWORD) -> str:
        """Keycloak's form, filled in; returns where Keycloak sends the browser back to."""
        page = self.browser.get(self.authorize_url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        action = login_form_action(page.text)
        answer = self.browser.post(
            action,
            data={"username": username, "password": password, "credentialId": ""},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]

    def finish(self, callback_url: str):
        parsed = urlparse(callback_url)
        assert f"{parsed.hostname}:{parsed.port}" == self.host, callback_url
        return self.client.get(parsed.path, dict(parse_qsl(parsed.query)))

    def login(self, username: str, password: str = DEMO_PASSWORD):
        self.start()
        return self.finish(self.submit_credentials(username, password))


def login_form_action(page: str) -> str:
    match = re.search(r'<form[^>]*action="([^"]*login-actions/authenticate[^"]*)"', page)
    assert match, "no Keycloak login form in the page"
    return html.unescape(match.group(1))


@pytest.fixture
def browser_login():
    return BrowserLogin


def keycloak_user_id(keycloak: KeycloakAdmin, username: str) -> str:
    return keycloak.get_user_id(username)


def openid_endpoint(name: str) -> str:
    return f"{keycloak_realm.issuer()}/protocol/openid-connect/{name}"
