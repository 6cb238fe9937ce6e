from django.apps import AppConfig


class CitizenSmsConfig(AppConfig):
    """An SMS to the applicant when the appeal is answered (done, not done, refused), sent through
    the federation outbox to the SMS provider (decision 103)."""

    name = "citizen_sms"
    label = "citizen_sms"
    verbose_name = "Citizens' SMS"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from appeals.events import register_listener
        from citizen_sms import delivery, feed

        delivery.register_kind()
        # An answered appeal queues its SMS in the transaction that answered it.
        register_listener(feed.on_appeal_event)
