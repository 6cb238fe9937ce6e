from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """An akimat's integrators following its appeals: signed webhooks through the federation outbox
    (the change feed to catch up, `appeals(changedSince:)`, is appeals' own)."""

    name = "integrations"
    label = "integrations"
    verbose_name = "Integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from appeals.events import register_listener
        from integrations import delivery, feed

        delivery.register_kind()
        # Every appeal change queues its webhooks, in the transaction that wrote it.
        register_listener(feed.on_appeal_event)
