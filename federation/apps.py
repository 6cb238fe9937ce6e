from django.apps import AppConfig


class FederationConfig(AppConfig):
    """Appeal messages built on the messaging core: transfers between akimats and states to the region."""

    name = "federation"
    # The core (federation.messaging) keeps the label `federation` its tables and migrations carry.
    label = "federation_appeals"
    verbose_name = "Federation of appeals"

    def ready(self) -> None:
        from appeals.events import register_change_scope, register_listener
        from federation import read_model_feed
        from federation.messaging.outbox import states_at_end
        from federation.transfers import kinds as transfer_kinds
        from federation.transfers import listener as transfers

        # Appeal events leave the akimat as messages, in the transaction that wrote them (decision 18).
        transfer_kinds.register_kinds()
        register_listener(read_model_feed.on_appeal_event)
        register_listener(transfers.on_appeal_event)
        # A change of several events (intake that registers at once) sends its newest state once.
        register_change_scope(states_at_end)
