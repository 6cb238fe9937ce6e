from django.apps import AppConfig


class InboxConfig(AppConfig):
    """Installed in the public schema and in every tenant schema: each receiver keeps its own inbox."""

    name = "federation.messaging.inbox"
    label = "federation_inbox"
    verbose_name = "Federation inbox"
