"""Who the load scripts call as: a local person with one role signed in (the console's way), or
the development realm's demo person with a Keycloak token (an integrator's way); and each akimat's
operator as the busiest day needs them. Imported after Django is set up."""

from __future__ import annotations

import threading

import requests
from _common import CSRF_TOKEN, with_csrf
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import schema_context

from accounts.models import StaffProfile
from accounts.roles import Role
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
        for akimat in self.akimats:
            self.headers[akimat.slug] = (
                f"Authorization: Bearer {keycloak_token(Role.OPERATOR, akimat.slug)}\r\n"
            )

    def run(self) -> None:
        # A renewal that fails (the machine out of descriptors or ports under a storm) is tried again
        # in 5 s: the tokens in use still live minutes, and a dead thread would let them expire.
        wait = 60.0
        while self.bearer and not self.stopping.wait(wait):
            try:
                self.renew()
                wait = 60.0
            except (OSError, requests.RequestException) as failed:
                name = failed.__class__.__name__
                print(f"operators' tokens: renewal failed ({name}), again in 5 s", flush=True)
                wait = 5.0


def operator_sessions(akimats: list[Akimat]) -> dict[str, str]:
    """A signed-in operator per akimat, with a CSRF pair: the console's way of calling GraphQL."""
    headers: dict[str, str] = {}
    for akimat in akimats:
        key = signed_in(akimat.schema_name, "operator")
        headers[akimat.slug] = (
            f"Cookie: {with_csrf(f'sessionid={key}')}\r\nX-CSRFToken: {CSRF_TOKEN}\r\n"
            f"Referer: http://{akimat.slug}.localhost/\r\n"
        )
    return headers


def signed_in(schema: str, role: str, *, username: str = "", organisation: str = "") -> str:
    """The session key of a local person of `schema` with this one role (and organisation)."""
    with schema_context(schema):
        user, _ = User.objects.get_or_create(
            username=username or f"bench-{role.replace('_', '-')}", defaults={"first_name": "Bench"}
        )
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
        if organisation:
            StaffProfile.objects.update_or_create(user=user, defaults={"organisation": organisation})
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]  # a listed one, or anonymous
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key


def keycloak_token(role: Role, slug: str | None) -> str:
    """An access token of the development realm's demo person with this role (`<role>.<slug>`)."""
    from demo.dev_realm import DEMO_PASSWORD, DEV_CLIENT_ID, demo_username

    answer = requests.post(
        f"{settings.KEYCLOAK_URL}/realms/{settings.KEYCLOAK_REALM}/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": DEV_CLIENT_ID, "password": DEMO_PASSWORD,
              "username": demo_username(role, slug), "scope": "openid"},
        timeout=10,
    )  # fmt: skip
    answer.raise_for_status()
    return answer.json()["access_token"]
