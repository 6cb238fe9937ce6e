from django.apps import AppConfig


class Emergency112Config(AppConfig):
    """The regional 112 register (public schema): incidents forwarded by the 109 lines."""

    name = "federation.emergency_112"
    label = "emergency_112"
    verbose_name = "Emergency 112"
    default_auto_field = "django.db.models.BigAutoField"
