"""Who acts in a test: principals for the actions, and Django users of the local identity (groups
named after realm roles) logged in on a host for the HTTP side."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.test import Client

from accounts.models import StaffProfile
from accounts.principal import Principal
from accounts.roles import Role


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
