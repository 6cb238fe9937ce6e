"""Appeal changes to the akimat's webhooks: one outbox message per change and webhook that asked for
its type, written in the change's transaction (appeals.events listener), delivered by the relay.

A webhook's messages are ordered per appeal (`webhook:<id>:appeal:<number>`): an integrator gets an
appeal's changes in the order they happened, and one webhook that is down holds back no other
webhook and not the region's feed. Every change is a message of its own (not newest_only): an
integrator may keep each step (its own history, its own notifications), and the state in each
carries its `version` to drop a stale one. The payload is the appeal's public state, as the region
gets it (federation.read_model_feed.state_of): no applicant, phone, IIN, address or description,
which the integrator role is not shown either.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection

from appeals.kpi_definitions import ALMATY
from appeals.models import Appeal, AppealEvent, EventKind
from federation.messaging.outbox import send
from federation.read_model_feed import SILENT_KINDS, state_of
from integrations import active
from integrations.models import EventType

WEBHOOK_KIND = "integrations.webhook"

CREATED_KINDS = frozenset({EventKind.CREATED, EventKind.TRANSFER_RECEIVED})


def event_type_of(event: AppealEvent) -> str | None:
    """What an integrator is told the change was; None for changes it is not told of."""
    if event.kind in CREATED_KINDS:
        return EventType.APPEAL_CREATED
    if event.kind in SILENT_KINDS:
        return None
    if event.to_status and event.to_status != event.from_status:
        return EventType.APPEAL_STATUS_CHANGED
    return EventType.APPEAL_UPDATED


def notice(appeal: Appeal, event: AppealEvent, event_type: str) -> dict[str, Any]:
    """What the webhook receives, besides the delivery id the relay adds (delivery.py)."""
    return {
        "type": event_type,
        "occurred_at": event.at.astimezone(ALMATY).isoformat(),
        "change": {"kind": str(event.kind), "from_status": event.from_status, "to_status": event.to_status},
        "appeal": state_of(appeal, event.pk),
    }


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    """appeals.events listener: runs inside the change's transaction (no query when nobody listens)."""
    event_type = event_type_of(event)
    if event_type is None:
        return
    webhooks = active.subscribed(event_type)
    if not webhooks:
        return
    payload = notice(appeal, event, event_type)
    for webhook_id in webhooks:
        send(
            WEBHOOK_KIND,
            {"webhook": webhook_id, "notice": payload},
            target=connection.schema_name,  # the relay calls out from the akimat itself
            ordering_key=f"webhook:{webhook_id}:appeal:{appeal.number}",
            max_attempts=int(settings.WEBHOOK_MAX_ATTEMPTS),
        )
