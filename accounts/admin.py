"""Read-only view of which Keycloak identity each local user is (Keycloak owns identities)."""

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import OIDCIdentity


@admin.register(OIDCIdentity)
class OIDCIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "subject", "issuer", "first_login_at", "last_login_at")
    search_fields = ("user__username", "subject")
    readonly_fields = ("user", "issuer", "subject", "first_login_at", "last_login_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
