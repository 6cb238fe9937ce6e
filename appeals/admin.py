"""The admin shows an akimat's catalogues, appeals and logs read-only: appeals change through
appeals.actions, catalogues on the settings pages (/console/settings/), whose every edit is in
the change log (appeals/catalogue/); an edit here would leave no trace."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.http import HttpRequest

from appeals.models import (
    Appeal,
    AppealEvent,
    CalendarException,
    CatalogueChange,
    Category,
    Organisation,
    ResponsiblePerson,
    RoutingRule,
    Violation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name_ru",
        "parent",
        "sla_calendar",
        "sla_hours",
        "default_priority",
        "is_emergency",
    )
    list_filter = ("sla_calendar", "is_emergency", "is_housing_utilities", "is_active")
    search_fields = ("code", "name_ru", "name_kk")


@admin.register(CalendarException)
class CalendarExceptionAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)


class PersonInline(admin.TabularInline):
    model = ResponsiblePerson
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ru", "kind", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_ru", "name_kk")
    inlines = [PersonInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ReadOnlyAdmin, GISModelAdmin):
    list_display = ("category", "area_name", "organisation")
    list_filter = ("category",)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("number", "status", "category", "organisation", "received_at", "deadline")
    list_filter = ("status", "channel")
    search_fields = ("=number",)


@admin.register(AppealEvent)
class AppealEventAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "kind", "from_status", "to_status", "actor_name", "actor_role", "at")


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "subject", "object_key", "action", "actor_name", "actor_role")
    list_filter = ("subject", "action")


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ("appeal", "organisation", "person", "hours_overdue", "status", "detected_at")
    list_filter = ("status",)
