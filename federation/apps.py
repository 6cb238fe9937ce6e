from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        # The kinds federation itself handles.
        from federation import probe

        probe.register_kind()
