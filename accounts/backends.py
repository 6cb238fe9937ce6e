"""Authentication backends: who the session user is, and what the admin lets them do (the matrix)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from accounts.admin_access import may_admin_app
from accounts.middleware import principal_for_user


class MatrixPermissionsMixin:
    """Django's has_perm answered from the role x operation matrix (the user's groups are roles)."""

    def get_user_permissions(self, user_obj: object, obj: object = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: object, obj: object = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: object, obj: object = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: object, perm: str, obj: object = None) -> bool:
        return self.has_module_perms(user_obj, perm.split(".", 1)[0])

    def has_module_perms(self, user_obj: object, app_label: str) -> bool:
        if not getattr(user_obj, "is_active", False):
            return False
        return may_admin_app(principal_for_user(user_obj, None), app_label)

    def get_user(self, user_id: int) -> object | None:
        # Identity and profile ride along: request.principal needs them and they cost no extra query.
        user = (
            get_user_model()
            .objects.select_related("oidc_identity", "staff_profile")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class LocalIdentityBackend(MatrixPermissionsMixin, ModelBackend):
    """Development identity (no Keycloak configured): local users with passwords."""
