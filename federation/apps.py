from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = "Federation"

    def ready(self) -> None:
        # The kinds federation itself handles.
        from appeals.events import register_listener
        from federation import endpoints, probe, read_model_feed
        from federation.transfers import kinds as transfer_kinds
        from federation.transfers import listener as transfers

        probe.register_kind()
        endpoints.connect_invalidation()
        # Appeal events leave the akimat as messages, in the transaction that wrote them (decision 18).
        transfer_kinds.register_kinds()
        register_listener(read_model_feed.on_appeal_event)
        register_listener(transfers.on_appeal_event)
