from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    """Escalation rules (public schema) and the akimat side of escalations to the region."""

    name = "federation.escalations"
    label = "escalations"
    verbose_name = _("Escalations to the region")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.admin_access import register_admin_app
        from accounts.permissions import Operation
        from appeals.events import register_listener
        from federation.escalations import kinds, listener, rules

        register_admin_app(self.label, Operation.REGIONAL_RULES_MANAGE)
        kinds.register_kinds()
        rules.connect_invalidation()
        register_listener(listener.on_appeal_event)
