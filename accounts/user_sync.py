"""The Django user behind a Keycloak identity: created or brought up to date on every login (name,
e-mail, roles as groups, the organisation the person works for)."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

from accounts.admin_access import may_use_admin
from accounts.claims import ROLE_NAMES
from accounts.models import OIDCIdentity, StaffProfile
from accounts.principal import Principal
from accounts.roles import Role

logger = logging.getLogger(__name__)


def _free_username(wanted: str, subject: str) -> str:
    User = get_user_model()
    wanted = wanted[:150]
    if not User.objects.filter(username=wanted).exists():
        return wanted
    # Someone else holds the name (e.g. a local user): keep ours apart, recognisably.
    return f"{wanted[:140]}~{subject[:8]}"


def sync_user(principal: Principal, claims: dict[str, Any]) -> AbstractUser:
    """Create or update the user of this (issuer, subject) in the current schema; groups = roles,
    the staff profile = the token's organisation (cleared when the claim is gone)."""
    User = get_user_model()
    with transaction.atomic():
        identity = (
            OIDCIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=principal.issuer, subject=principal.subject)
            .first()
        )
        created = identity is None
        if created:
            user = User(username=_free_username(principal.username, principal.subject))
            user.set_unusable_password()
        else:
            user = identity.user
        user.first_name = (claims.get("given_name") or "")[:150]
        user.last_name = (claims.get("family_name") or "")[:150]
        user.email = claims.get("email") or ""
        user.is_active = True
        user.is_staff = may_use_admin(principal)
        user.is_superuser = False
        user.save()
        if created:
            identity = OIDCIdentity.objects.create(
                user=user, issuer=principal.issuer, subject=principal.subject
            )
        else:
            identity.save(update_fields=["last_login_at"])
        wanted = {role.value for role in principal.roles}
        _set_groups(user, wanted)
        StaffProfile.objects.update_or_create(
            user=user, defaults={"organisation": principal.organisation or ""}
        )
    user._ikomek_roles = principal.roles
    logger.info(
        "user signed in",
        extra={
            "subject": principal.subject,
            "akimat": principal.tenant,
            "roles": sorted(wanted),
            "organisation": principal.organisation,
            "new_user": created,
        },
    )
    return user


def _set_groups(user: AbstractUser, wanted: set[str]) -> None:
    groups = [Group.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
    user.groups.remove(*user.groups.filter(name__in=ROLE_NAMES).exclude(name__in=wanted))
    user.groups.add(*groups)


def apply_current_roles(user: AbstractUser, roles: frozenset[Role]) -> None:
    """Keycloak changed the person's roles since they signed in: their groups (and whether the
    admin opens) follow now, not at the next login."""
    with transaction.atomic():
        _set_groups(user, {role.value for role in roles})
        staff = may_use_admin(
            Principal(subject="", issuer="", username="", display_name="", kind="user", roles=roles)
        )
        if user.is_staff != staff:
            user.is_staff = staff
            user.save(update_fields=["is_staff"])
    user._ikomek_roles = roles
    logger.info(
        "roles changed in keycloak",
        extra={"user": user.get_username(), "roles": sorted(r.value for r in roles)},
    )
