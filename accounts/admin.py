"""Read-only view of which Keycloak identity each local user is (Keycloak owns identities), and of
the organisation each person works for (editable only with the local development identity: with
Keycloak every login overwrites it from the token)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpRequest

from accounts.models import OIDCIdentity, StaffProfile

User = get_user_model()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OIDCIdentity)
class OIDCIdentityAdmin(ReadOnlyAdmin):
    list_display = ("user", "subject", "issuer", "first_login_at", "last_login_at")
    search_fields = ("user__username", "subject")
    readonly_fields = ("user", "issuer", "subject", "first_login_at", "last_login_at")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    search_fields = ("user__username", "organisation")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return settings.LOCAL_IDENTITY and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return settings.LOCAL_IDENTITY and super().has_change_permission(request, obj)


# Roles and akimat membership come only from Keycloak: the local users and their groups (roles
# mirrored at login) may be read here, never changed. Django's stock UserAdmin would let anyone
# who opens it tick is_superuser, is_staff or any group, themselves included.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class KeycloakUserAdmin(ReadOnlyAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    fields = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "groups", "last_login")
    readonly_fields = fields


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyAdmin):
    list_display = ("name",)
    fields = ("name",)
    readonly_fields = fields
