"""Read-only view of which Keycloak identity each local user is (Keycloak owns identities), and of
the organisation each person works for (editable only with the local development identity: with
Keycloak every login overwrites it from the token)."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from accounts.models import OIDCIdentity, StaffProfile


@admin.register(OIDCIdentity)
class OIDCIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "subject", "issuer", "first_login_at", "last_login_at")
    search_fields = ("user__username", "subject")
    readonly_fields = ("user", "issuer", "subject", "first_login_at", "last_login_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    search_fields = ("user__username", "organisation")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return settings.LOCAL_IDENTITY and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return settings.LOCAL_IDENTITY and super().has_change_permission(request, obj)
