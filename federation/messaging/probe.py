"""`federation.probe`: a message whose effect is a row saying it arrived, when, and in which schema.

The end-to-end check of the whole path (sender commit → outbox → relay → inbox → handler) used by
the benchmark, the tests and operators. Other kinds that only need to leave a trace use
`record_probe` too.
"""

from __future__ import annotations

import json

from django.db import connection

from federation.messaging.handlers import Envelope, register

KIND = "federation.probe"

PAYLOAD_SCHEMA = {
    "type": "object",
    "properties": {
        "token": {"type": "string", "minLength": 1, "maxLength": 100},
        "value": {},
    },
    "required": ["token"],
}


def record_probe(envelope: Envelope, token: str | None = None, value: object = None) -> None:
    """Insert the probe row with PostgreSQL's clock and current_schema() at the moment of applying."""
    schema = connection.ops.quote_name(connection.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {schema}.federation_inbox_proberecord "  # noqa: S608 (quoted schema name)
            "(message_id, kind, token, source_schema, ordering_key, sequence, value, attempt, "
            "schema_seen, applied_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, current_schema(), clock_timestamp())",
            [
                envelope.message_id,
                envelope.kind,
                token if token is not None else envelope.payload["token"],
                envelope.source_schema,
                envelope.ordering_key,
                envelope.sequence,
                json.dumps(value if value is not None else envelope.payload.get("value")),
                envelope.attempt,
            ],
        )


def apply_probe(envelope: Envelope) -> None:
    record_probe(envelope)


def register_kind() -> None:
    register(KIND, apply_probe, payload_schema=PAYLOAD_SCHEMA)
