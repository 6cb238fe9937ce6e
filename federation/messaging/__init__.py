"""The messaging core: outbox, relay, inbox receipts, sweep, dead letters; it knows no appeal."""
