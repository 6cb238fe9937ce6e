"""The akimat's webhooks as the feed needs them on every appeal change: (id, event types), kept in
process memory per schema, so an appeal change costs no query for them.

A change in this process forgets the entry when it commits; every other process learns of it
within a second through the schema's catalogue generation (appeals.catalogue.schema_cache), which
the change bumps: a webhook starts and stops receiving on every worker at once.
"""

from __future__ import annotations

from django.db import connection, transaction

from appeals.catalogue.schema_cache import SchemaCache, bump_catalogue_generation
from integrations.models import Webhook

TTL_SECONDS = 60.0


def _load() -> list[tuple[int, frozenset[str]]]:
    return [
        (pk, frozenset(types))
        for pk, types in Webhook.objects.order_by("id").values_list("id", "event_types")
    ]


_webhooks: SchemaCache[list[tuple[int, frozenset[str]]]] = SchemaCache(_load, TTL_SECONDS)


def subscribed(event_type: str) -> list[int]:
    """The ids of the current schema's webhooks that asked for `event_type`."""
    return [pk for pk, types in _webhooks.get() if event_type in types]


def forget(schema: str | None = None) -> None:
    _webhooks.forget(schema)


def changed() -> None:
    """Call inside the change's transaction: every process reloads once it commits."""
    schema = connection.schema_name

    def announce() -> None:
        forget(schema)
        bump_catalogue_generation()

    transaction.on_commit(announce, robust=True)
