from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """The messaging core: outbox, relay, handlers, sweep, dead letters (public schema only)."""

    name = "federation.messaging"
    label = "federation"  # the label its tables (federation_message, …) and migrations have always had
    verbose_name = "Federation"

    def ready(self) -> None:
        from federation.messaging import endpoints, probe

        probe.register_kind()
        endpoints.connect_invalidation()
