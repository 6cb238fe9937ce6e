from django.apps import AppConfig


class Emergency112Config(AppConfig):
    """The regional 112 register (public schema): incidents forwarded by the 109 lines."""

    name = "federation.emergency_112"
    label = "emergency_112"
    verbose_name = "Emergency 112"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from appeals.events import register_listener
        from federation.emergency_112 import forwarding, messages

        messages.register_kinds()
        # An appeal's forward_112 event sends the document, in the transaction that wrote it.
        register_listener(forwarding.on_appeal_event)
