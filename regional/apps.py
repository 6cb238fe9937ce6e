from django.apps import AppConfig


class RegionalConfig(AppConfig):
    """The regional read model and escalation queue (public schema only)."""

    name = "regional"
    verbose_name = "Regional level"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from regional import kinds

        kinds.register_kinds()
