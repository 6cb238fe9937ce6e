"""The escalation rules in the regional admin, read-only: the regional admin edits them on the
regional console (`/region/escalation-rules/`), where every edit is logged in its transaction; an
edit here would leave no log row (as with the akimats' catalogues, decision 61). An akimat's admin
never lists them (they are the region's policy)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from accounts.permissions import Operation, can
from federation.escalations.models import EscalationRule, EscalationRuleChange


def may_read_rules(request: HttpRequest) -> bool:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name != get_public_schema_name():
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return False
    principal = getattr(request, "principal", None)
    return user.is_superuser or (principal is not None and can(principal, Operation.REGIONAL_RULES_MANAGE))


class ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_rules(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return may_read_rules(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(EscalationRule)
class EscalationRuleAdmin(ReadOnly):
    list_display = ("category", "overdue_multiple", "not_done_times", "regional_scope", "is_active", "note")
    list_filter = ("regional_scope", "is_active")


@admin.register(EscalationRuleChange)
class EscalationRuleChangeAdmin(ReadOnly):
    list_display = ("at", "category", "action", "actor_name", "before", "after")
