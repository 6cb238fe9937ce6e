"""Federation settings with their defaults (ikomek/settings.py reads them from the environment)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Attempts before a message goes to the dead letters (a send may ask for another budget).
    "FEDERATION_MAX_ATTEMPTS": 10,
    # Retry n waits about base * 2**(n-1) seconds (between half and all of it), at most the cap.
    "FEDERATION_RETRY_BASE_SECONDS": 2.0,
    "FEDERATION_RETRY_MAX_SECONDS": 600.0,
    # Messages younger than this are left to their own kick by the sweep.
    "FEDERATION_SWEEP_GRACE_SECONDS": 5.0,
    # The sweep stops after this many messages or seconds; the next sweep goes on.
    "FEDERATION_SWEEP_BATCH": 500,
    "FEDERATION_SWEEP_BUDGET_SECONDS": 20.0,
    # Delivered messages (payloads may hold personal data) are deleted after this many days.
    "FEDERATION_RETENTION_DAYS": 14,
    # Receipts of messages gone from the outbox are deleted after this many days (inbox/prune.py).
    "FEDERATION_RECEIPT_RETENTION_DAYS": 30,
    "FEDERATION_MAX_PAYLOAD_BYTES": 256 * 1024,
    # How long the relay trusts its in-memory copy of an akimat's registry row (active or not).
    "FEDERATION_REGISTRY_CACHE_SECONDS": 10.0,
    # A drain claims this many due messages of one target at a time and applies them in one
    # transaction; it goes on for at most this many seconds, then queues itself again.
    "FEDERATION_BATCH_SIZE": 250,
    "FEDERATION_DRAIN_SECONDS": 5.0,
    # A drain of the default lane that follows the previous one of its target (in this process)
    # within this long waits out the rest first, its kick's mark still set: under a steady stream
    # the messages of that time share one task and one batch instead of a drain each (decisions 85,
    # 94). The urgent lane never waits.
    "FEDERATION_DRAIN_LINGER_SECONDS": 1.0,
    # A drain queued for a target (and lane) makes further kicks no-ops for at most this long
    # (the drain clears the mark when it starts; the expiry covers a task the broker lost).
    "FEDERATION_KICK_MARK_SECONDS": 30.0,
    # Kicks must never hold the sender: the broker gets this long to connect and answer, and after
    # a failure this process skips kicks for a while (the sweep delivers meanwhile).
    "FEDERATION_KICK_TIMEOUT_SECONDS": 0.2,
    "FEDERATION_KICK_PAUSE_SECONDS": 5.0,
}


def get(name: str) -> object:
    return getattr(settings, name, DEFAULTS[name])
