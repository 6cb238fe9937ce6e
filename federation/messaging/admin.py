"""The outbox in the Django admin of the regional host only: states, errors, dead letters, replay."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tenants.utils import get_public_schema_name

from accounts.permissions import Operation, can
from accounts.principal import Principal, with_roles
from accounts.roles import Role
from federation.messaging.deadletters import replay
from federation.messaging.models import Message, MessageEvent, MessageState


def federation_admin(request: HttpRequest) -> Principal | None:
    """The acting principal when this request may see the outbox: regional host and the right role."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name != get_public_schema_name():
        return None  # an akimat's admin never sees other tenants' messages
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return None
    principal = getattr(request, "principal", None)
    if principal is not None and can(principal, Operation.FEDERATION_ADMIN):
        return principal
    if user.is_superuser and principal is not None:
        # A local superuser (made with manage.py by whoever runs the servers) acts as platform admin.
        return with_roles(principal, {Role.PLATFORM_ADMIN})
    return None


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    extra = 0
    can_delete = False
    fields = ("at", "event", "attempt", "actor", "error")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DeadFilter(admin.SimpleListFilter):
    title = "жеткізілмегендер / недоставленные"
    parameter_name = "dead"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("yes", "тек жеткізілмегендер / только недоставленные")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(state=MessageState.DEAD) if self.value() == "yes" else queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "source_schema",
        "target_schema",
        "state",
        "outcome",
        "attempts",
        "latency",
        "short_error",
    )
    list_filter = (
        DeadFilter,
        "state",
        "outcome",
        "lane",
        "kind",
        "source_schema",
        "target_schema",
        "delivered_via",
    )
    search_fields = ("=id", "ordering_key", "kind")
    date_hierarchy = "created_at"
    inlines = [MessageEventInline]
    actions = ["replay_dead"]
    list_per_page = 100
    readonly_fields = [field.name for field in Message._meta.fields] + ["latency"]

    @admin.display(description="кідіріс, мс / задержка, мс")
    def latency(self, obj: Message) -> str:
        return f"{obj.latency_ms:.0f}" if obj.latency_ms is not None else "-"

    @admin.display(description="соңғы қате / последняя ошибка")
    def short_error(self, obj: Message) -> str:
        return obj.last_error[:120]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return federation_admin(request) is not None

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return federation_admin(request) is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Таңдалған жеткізілмегендерді қайта жіберу / Повторно отправить выбранные")
    def replay_dead(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = federation_admin(request)
        if actor is None:
            self.message_user(request, "рұқсат жоқ / нет доступа", level=messages.ERROR)
            return
        result = replay(queryset.values_list("id", flat=True), actor=actor, reason="admin action")
        if result.replayed:
            count = len(result.replayed)
            self.message_user(
                request,
                f"{count} хабарлама қайта жіберілді / сообщений отправлено повторно: {count}",
                level=messages.SUCCESS,
            )
        for message_id, why in result.refused.items():
            self.message_user(
                request,
                f"{message_id}: қайта жіберілмеді / не отправлено повторно ({why})",
                level=messages.WARNING,
            )
