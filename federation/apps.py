from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        # The kinds federation itself handles.
        from federation import endpoints, probe

        probe.register_kind()
        endpoints.connect_invalidation()
