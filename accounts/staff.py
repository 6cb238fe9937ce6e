"""The akimat's staff as this schema knows them: people who signed in here (their Keycloak roles
kept as groups of the local user, their e-mail from the token, their console language)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from accounts.roles import Role


@dataclass(frozen=True)
class StaffAddress:
    username: str
    email: str
    language: str  # kk, ru, or "" when the person never chose one


def with_role(role: Role) -> list[StaffAddress]:
    """Active people of this akimat with `role` and an e-mail address (one query)."""
    users = (
        User.objects.filter(is_active=True, groups__name=role.value)
        .exclude(email="")
        .select_related("staff_profile")
        .order_by("username")
        .distinct()
    )
    return [
        StaffAddress(
            user.username,
            user.email,
            getattr(getattr(user, "staff_profile", None), "language", "") or "",
        )
        for user in users
    ]
