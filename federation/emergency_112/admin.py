"""Registering the region's 112 centres (and looking at CAD deliveries) in the regional admin."""

from django.contrib import admin

from federation.emergency_112.models import CadDelivery, EmergencyCentre


@admin.register(EmergencyCentre)
class EmergencyCentreAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ru", "is_active", "is_primary", "runs_own_cad", "endpoint_url")
    list_filter = ("is_active", "runs_own_cad")


@admin.register(CadDelivery)
class CadDeliveryAdmin(admin.ModelAdmin):
    """Dead letters are visible here; the rows are the delivery log, so nothing is editable."""

    list_display = (
        "message_id",
        "centre",
        "incident",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
    )
    list_filter = ("status", "centre")
    readonly_fields = [field.name for field in CadDelivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
