"""Who acts in a test: principals for the actions, and Django users of the local identity (groups
named after realm roles) logged in on a host for the HTTP side."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.test import Client

from accounts.principal import Principal
from accounts.roles import Role


def principal(*roles: Role, name: str = "tester", tenant: str | None = "petropavlovsk") -> Principal:
    """A person with these roles, as the actions receive them (tenant None: regional staff)."""
    return Principal(
        subject=f"local:{name}",
        issuer="local",
        username=name,
        display_name=name.title(),
        kind="user",
        roles=frozenset(roles),
        tenant=tenant,
    )


def user_with_roles(username: str, *roles: str, **fields: object) -> User:
    """A Django user in the current schema whose groups name its roles; `fields` go to the user
    (e.g. is_staff, is_superuser)."""
    user = User.objects.create_user(
        username=username, password="unused-in-tests", first_name=username.title(), **fields
    )
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def logged_in(user: User, host: str = "petropavlovsk.localhost") -> Client:
    """A browser with the user's session on `host` (the regional host is "localhost")."""
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client
