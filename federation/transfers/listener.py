"""The sending side of transfers, as an appeals.events listener (inside the change's transaction)."""

from __future__ import annotations

import logging
from typing import Any

from appeals.models import Appeal, AppealEvent, EventKind
from appeals.states import Status
from federation.messaging.outbox import send
from federation.transfers.files import attachment_entries
from federation.transfers.kinds import STATUS_KIND, TRANSFER_KIND
from tenants.models import Akimat

logger = logging.getLogger(__name__)

# The receiver's changes the sender shows: its first answer (the new number), every status, and
# the progress of the akimat it passed the appeal on to (a chain A → B → C: A follows C through B).
REPORTED = frozenset({EventKind.TRANSFER_RECEIVED, EventKind.TRANSITION, EventKind.TRANSFER_PROGRESS})


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    if event.kind == EventKind.TRANSITION and event.transition == "transfer":
        send(TRANSFER_KIND, transfer_payload(appeal, event), target=_akimat(appeal.transferred_to))
    if appeal.transferred_from and event.kind in REPORTED:  # a received appeal passed on: both
        origin = Akimat.objects.filter(slug=appeal.transferred_from, is_active=True).defer("boundary").first()
        if origin is None:
            # The sender was deactivated: its appeal cannot follow any more; this akimat works on.
            logger.warning(
                "transfer: the sending akimat is gone, its appeal is not told",
                extra={"origin": appeal.transferred_from, "number": appeal.number},
            )
            return
        send(STATUS_KIND, status_payload(appeal), target=origin, ordering_key=f"transfer:{appeal.number}")


def status_payload(appeal: Appeal) -> dict[str, Any]:
    """This appeal's state for the akimat that sent it; once passed on, the state where it is now."""
    payload: dict[str, Any] = {
        "origin_number": appeal.origin_number,
        "number": appeal.number,
        "status": str(appeal.status),
        "changed_at": appeal.status_changed_at.isoformat(),
    }
    if appeal.status == Status.TRANSFERRED and appeal.transferred_to:
        if appeal.transferred_to_status and appeal.transferred_to_status_at:
            payload["status"] = appeal.transferred_to_status
            payload["changed_at"] = appeal.transferred_to_status_at.isoformat()
        payload["handled_by"] = {
            "akimat": appeal.handled_by or appeal.transferred_to,
            "number": appeal.handled_by_number if appeal.handled_by else appeal.transferred_to_number,
        }
    return payload


def _akimat(slug: str) -> Akimat:
    return Akimat.objects.defer("boundary").get(slug=slug)


def transfer_payload(appeal: Appeal, event: AppealEvent) -> dict[str, Any]:
    location = appeal.location
    history = [
        {
            "kind": e.kind,
            "transition": e.transition,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor_name": e.actor_name,
            "actor_role": e.actor_role,
            "at": e.at.isoformat(),
            "comment": e.comment,
        }
        for e in AppealEvent.objects.filter(appeal=appeal).order_by("at", "id")[:500]
    ]
    return {
        "origin_number": appeal.number,
        "channel": str(appeal.channel),
        "description": appeal.description,
        "applicant_phone": appeal.applicant_phone,
        "applicant_name": appeal.applicant_name,
        "applicant_iin": appeal.applicant_iin,
        "applicant_language": appeal.applicant_language,
        "address": appeal.address,
        "longitude": location.x if location is not None else None,
        "latitude": location.y if location is not None else None,
        "object_key": appeal.object_key,
        "category_code": appeal.category.code if appeal.category is not None else "",
        "priority": str(appeal.priority),
        "received_at": appeal.received_at.isoformat(),
        "reason": event.comment,
        "history": history,
        "attachments": attachment_entries(appeal),
    }
