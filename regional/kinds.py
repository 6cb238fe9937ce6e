"""The messages the region applies: appeal states into the read model, escalations into the queue."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name

from federation.escalations.kinds import ESCALATION_KIND, ESCALATION_SCHEMA
from federation.hotspots.kinds import RANKING_KIND, RANKING_SCHEMA
from federation.messaging.errors import PermanentError
from federation.messaging.handlers import Envelope, TargetScope, register
from federation.read_model_feed import BATCH_KIND, BATCH_SCHEMA, STATE_SCHEMA, STATUS_KIND
from regional.escalations import receive_escalation
from regional.rankings import apply_ranking
from regional.read_model import apply_states


def _akimat_source(envelope: Envelope) -> str:
    if envelope.source_schema == get_public_schema_name():
        raise PermanentError(f"{envelope.kind} comes from an akimat, not from the region itself")
    return envelope.source_schema


def apply_status(envelope: Envelope) -> None:
    apply_states(_akimat_source(envelope), [envelope.payload])


def apply_statuses(envelopes: list[Envelope]) -> None:
    """Many `appeals.status` of one akimat at once (the relay's batches): one pass of the read model."""
    apply_states(_akimat_source(envelopes[0]), [envelope.payload for envelope in envelopes])


def apply_status_batch(envelope: Envelope) -> None:
    apply_states(_akimat_source(envelope), envelope.payload["appeals"])


def apply_escalation(envelope: Envelope) -> None:
    receive_escalation(_akimat_source(envelope), envelope.payload)


def apply_place_ranking(envelope: Envelope) -> None:
    apply_ranking(_akimat_source(envelope), envelope.payload)


def register_kinds() -> None:
    # The whole state each time (decision 15): of a backlog of one appeal's states, the newest is enough.
    register(
        STATUS_KIND,
        apply_status,
        payload_schema=STATE_SCHEMA,
        targets=TargetScope.REGION,
        newest_only=True,
        batch_handler=apply_statuses,
    )
    register(BATCH_KIND, apply_status_batch, payload_schema=BATCH_SCHEMA, targets=TargetScope.REGION)
    register(ESCALATION_KIND, apply_escalation, payload_schema=ESCALATION_SCHEMA, targets=TargetScope.REGION)
    # A ranking is the whole list each time: of a backlog, the newest is enough.
    register(
        RANKING_KIND,
        apply_place_ranking,
        payload_schema=RANKING_SCHEMA,
        targets=TargetScope.REGION,
        newest_only=True,
    )
