"""Federation between akimats and the region: outbox, relay, inbox, transfers, escalations."""
