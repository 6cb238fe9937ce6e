"""The operators the load scripts call as: each akimat's demo operator with a Keycloak token, or
(without Keycloak) a session with its CSRF pair. Imported after Django is set up."""

from __future__ import annotations

import threading

from _common import CSRF_TOKEN, with_csrf
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import tenant_context

from tenants.models import Akimat


class OperatorTokens(threading.Thread):
    """Each akimat's demo operator (the dev realm's `operator.<slug>`) with a Keycloak access token,
    as an integrator calls GraphQL; renewed every minute (tokens live five). Without Keycloak (an
    empty KEYCLOAK_URL) the operators call with a session and its CSRF pair instead, which costs
    intake three more queries a request."""

    def __init__(self, akimats: list[Akimat]) -> None:
        super().__init__(daemon=True)
        self.akimats = akimats
        self.headers: dict[str, str] = {}
        self.stopping = threading.Event()
        self.bearer = not settings.LOCAL_IDENTITY
        if self.bearer:
            from demo.dev_realm import apply_dev_realm

            apply_dev_realm([a.slug for a in akimats])
            self.renew()
        else:
            self.headers = operator_sessions(akimats)

    def renew(self) -> None:
        import requests

        from accounts.roles import Role
        from demo.dev_realm import DEMO_PASSWORD, DEV_CLIENT_ID, demo_username

        endpoint = f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/protocol/openid-connect/token"
        for akimat in self.akimats:
            answer = requests.post(
                endpoint,
                data={"grant_type": "password", "client_id": DEV_CLIENT_ID, "password": DEMO_PASSWORD,
                      "username": demo_username(Role.OPERATOR, akimat.slug), "scope": "openid"},
                timeout=10,
            )  # fmt: skip
            answer.raise_for_status()
            self.headers[akimat.slug] = f"Authorization: Bearer {answer.json()['access_token']}\r\n"

    def run(self) -> None:
        while self.bearer and not self.stopping.wait(60):
            self.renew()


def operator_sessions(akimats: list[Akimat]) -> dict[str, str]:
    """A logged-in operator per akimat, with a CSRF pair: the console's way of calling GraphQL."""
    headers: dict[str, str] = {}
    for akimat in akimats:
        with tenant_context(akimat):
            user, _ = User.objects.get_or_create(username="bench-operator", defaults={"first_name": "Bench"})
            user.groups.add(Group.objects.get_or_create(name="operator")[0])
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            host = f"{akimat.slug}.localhost"
            headers[akimat.slug] = (
                f"Cookie: {with_csrf(f'sessionid={session.session_key}')}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n"
                f"Referer: http://{host}/\r\n"
            )
    return headers
