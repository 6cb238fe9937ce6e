from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = "Appeals (the 109 service)"

    def ready(self) -> None:
        from appeals.catalogue import signals
        from appeals.catalogue.seed import seed_base_catalogue
        from tenants import lifecycle

        signals.connect()
        # Every new akimat starts with the base catalogues; re-running onboarding changes nothing.
        lifecycle.register_initializer("appeals-catalogue", seed_base_catalogue)
