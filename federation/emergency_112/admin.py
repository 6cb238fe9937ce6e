"""Registering the region's 112 centres in the regional admin.

CAD deliveries are federation messages: the dead letters (and their replay) are in the
federation admin, kind `emergency_112.cad`.
"""

from django.contrib import admin

from federation.emergency_112.models import EmergencyCentre


@admin.register(EmergencyCentre)
class EmergencyCentreAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_ru", "is_active", "is_primary", "runs_own_cad", "endpoint_url")
    list_filter = ("is_active", "runs_own_cad")
    # Rotations go through `manage.py rotate_cad_secret` (it keeps the old secret for the overlap).
    exclude = ("previous_secret",)
    readonly_fields = ("previous_secret_until",)
