"""Who acts in a test: principals for the actions, and Django users of the local identity (groups
named after realm roles) logged in on a host for the HTTP side."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import Group, User
from django.test import Client

from accounts import keycloak_realm as realm
from accounts.keycloak_admin import master_admin
from accounts.models import StaffProfile
from accounts.principal import Principal
from accounts.roles import Role
from demo.dev_realm import DEMO_PASSWORD


def principal(
    *roles: Role, name: str = "tester", tenant: str | None = "petropavlovsk", organisation: str | None = None
) -> Principal:
    """A person with these roles, as the actions receive them (tenant None: regional staff;
    `organisation`: the code of the organisation an executor works for)."""
    return Principal(
        subject=f"local:{name}",
        issuer="local",
        username=name,
        display_name=name.title(),
        kind="user",
        roles=frozenset(roles),
        tenant=tenant,
        organisation=organisation,
    )


def user_with_roles(username: str, *roles: str, organisation: str = "", **fields: object) -> User:
    """A Django user in the current schema whose groups name its roles and whose staff profile names
    its organisation (as a Keycloak login leaves them); `fields` go to the user (e.g. is_staff)."""
    user = User.objects.create_user(
        username=username, password="unused-in-tests", first_name=username.title(), **fields
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if organisation:
        StaffProfile.objects.create(user=user, organisation=organisation)
    return user


def logged_in(user: User, host: str = "petropavlovsk.localhost") -> Client:
    """A browser with the user's session on `host` (the regional host is "localhost")."""
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def executor_of(number: int, *, tenant: str | None = "petropavlovsk") -> Principal:
    """Staff of the organisation the appeal (in the current schema) is assigned to: executors act only
    on their own organisation's appeals."""
    from appeals.models import Appeal  # the domain model, imported when a test asks for it

    code = Appeal.objects.filter(number=number).values_list("organisation__code", flat=True).get()
    return principal(Role.EXECUTOR, name=f"executor-{code}", tenant=tenant, organisation=code)


@contextmanager
def keycloak_person(role: Role, tenant: str | None, *, organisation: str | None = None) -> Iterator[str]:
    """A person of the test's own in the real Keycloak (password: the demo one), deleted afterwards;
    yields the username. A test signed in as its own person shares nothing with another test: not
    their notices, their read marks, their language or their sessions."""
    username = f"{role.value.replace('_', '-')}-{uuid.uuid4().hex[:10]}"
    keycloak = master_admin()
    user_id = keycloak.create_user(
        {
            "username": username,
            "enabled": True,
            "firstName": role.value.replace("_", " ").title(),
            "lastName": username.rsplit("-", 1)[1],
            "email": f"{username}@test.ikomek.invalid",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
            "groups": [realm.akimat_group_path(tenant)] if tenant else [],
            "attributes": {realm.ORGANISATION_ATTRIBUTE: [organisation]} if organisation else {},
        }
    )
    try:
        keycloak.assign_realm_roles(user_id, [keycloak.get_realm_role(role.value)])
        yield username
    finally:
        keycloak.delete_user(user_id)
