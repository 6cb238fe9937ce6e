"""Transfers between akimats: proposed at intake, decided by the operator, received by the other akimat,
and followed by the sender until the receiver closes its appeal.

Appeals knows nothing of how the appeal travels: `transfer_appeal` writes the transition event, and the
federation layer (listening to appeal events) carries the appeal to the receiver, whose handler calls
`receive_transfer`; every status change there comes back through `record_transfer_progress`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accounts.permissions import Operation
from accounts.principal import Principal, service_principal
from appeals.actions.intake import AppealInput, AppealPlace, record_intake
from appeals.attachments.actions import CarriedFile, attach_carried
from appeals.catalogue.cache import active_category
from appeals.errors import AppealError
from appeals.events import record_event
from appeals.models import Appeal, EventKind
from appeals.states import Status
from appeals.transfers.proposals import transfer_target
from appeals.transitions import apply_transition, authorise, locked_appeal, require_text
from tenants.models import Akimat
from tenants.sandbox import current_is_sandbox


def akimat_actor(akimat: Akimat) -> Principal:
    """The other akimat as the actor of what its messages change here."""
    return service_principal(
        f"akimat:{akimat.slug}",
        f"{akimat.name_kk} / {akimat.name_ru}",
        issuer="federation",
        username=akimat.slug,
    )


def transfer_appeal(actor: Principal, number: int, *, akimat: str, reason: str) -> Appeal:
    """Hand the appeal to another akimat (reason required); this appeal then follows the receiver's."""
    authorise(actor, Operation.APPEAL_TRANSFER)
    text = require_text(reason, "reason", "Себебі / Причина")
    target = transfer_target((akimat or "").strip())
    if target is None:
        raise AppealError.of(
            "akimat",
            "unknown_akimat",
            f"«{akimat[:40]}» облыстың басқа белсенді әкімдігі емес / "
            f"«{akimat[:40]}» — не другой действующий акимат области",
        )
    if target.is_sandbox != current_is_sandbox():
        # Test appeals stay in the sandbox and real ones out of it (decision 79).
        raise AppealError.of(
            "akimat",
            "sandbox_transfer",
            "Құмсалғыш пен нақты әкімдіктер арасында өтініш берілмейді / "
            "Между песочницей и настоящими акиматами обращения не передаются",
        )
    with transaction.atomic():
        appeal = locked_appeal(number)
        appeal.transferred_to = target.slug
        apply_transition(
            actor,
            appeal,
            "transfer",
            changed=["transferred_to"],
            comment=text,
            data={"akimat": target.slug, "proposed": appeal.transfer_proposal == target.slug},
        )
    return appeal


@dataclass
class TransferredAppeal(AppealPlace):
    """What the sending akimat sends: the appeal as its citizen gave it, and its history there."""

    origin_number: int
    channel: str
    description: str
    applicant_phone: str
    applicant_name: str = ""
    applicant_iin: str = ""
    applicant_language: str = ""
    received_at: str = ""
    reason: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)  # what the sender had (metadata)


def receive_transfer(
    sender: Akimat,
    data: TransferredAppeal,
    *,
    files: list[CarriedFile] | None = None,
    lost_files: list[str] | None = None,
) -> Appeal:
    """A new appeal here carrying the sender's number and provenance; one per sent appeal.

    Applied by the federation layer for a message whose source the platform stamped, so the
    sender's operator's right to transfer was checked where it acted. A category this akimat does
    not have is left for the operator to choose. `files` are the sender's attachments the federation
    layer brought over; the names of those it could not bring (`lost_files`) and of those this
    akimat's rules refuse are kept in the history, so the operator can ask the sender for them.
    """
    category = data.category_code if data.category_code and active_category(data.category_code) else ""
    actor = akimat_actor(sender)
    result = record_intake(
        actor,
        AppealInput(
            channel=data.channel,
            description=data.description,
            applicant_phone=data.applicant_phone,
            applicant_name=data.applicant_name,
            applicant_iin=data.applicant_iin,
            language=data.applicant_language,
            **(data.place() | {"category_code": category}),
            client_key=f"transfer:{sender.slug}:{data.origin_number}",
        ),
    )
    appeal = result.appeal
    if result.created:
        appeal.transferred_from = sender.slug
        appeal.origin_number = data.origin_number
        appeal.save(update_fields=["transferred_from", "origin_number"])
        missing = list(lost_files or []) + attach_carried(actor, appeal, files or [])
        record_event(
            appeal,
            EventKind.TRANSFER_RECEIVED,
            actor,
            comment=data.reason,
            data={
                "akimat": sender.slug,
                "number": data.origin_number,
                "received_at": data.received_at,
                "category": data.category_code,
                "history": data.history,
                "attachments": len(data.attachments),
                "attachments_missing": missing,
            },
        )
    return appeal


def record_transfer_progress(
    receiver: Akimat,
    origin_number: int,
    *,
    number: int,
    status: str,
    changed_at: datetime.datetime,
    handled_by: str | None = None,
    handled_by_number: int | None = None,
) -> Appeal | None:
    """The receiving akimat's appeal changed: show it on ours. None when nothing changed (older news).

    Only the akimat the appeal was transferred to may report on it. When that akimat passed it on,
    the status is the one where it is handled now (`handled_by`, its number there once known).
    """
    if status not in Status.values:
        raise AppealError.of("status", "invalid", f"{status!r}: белгісіз мәртебе / неизвестный статус")
    with transaction.atomic():
        appeal = locked_appeal(origin_number)
        if appeal.status != Status.TRANSFERRED or appeal.transferred_to != receiver.slug:
            raise AppealError.of(
                "number",
                "not_transferred_there",
                f"№{origin_number} {receiver.slug} әкімдігіне берілмеген / не передано в {receiver.slug}",
            )
        if appeal.transferred_to_status_at is not None and appeal.transferred_to_status_at > changed_at:
            return None
        appeal.transferred_to_number = number
        appeal.transferred_to_status = status
        appeal.transferred_to_status_at = changed_at
        appeal.handled_by, appeal.handled_by_number = handled_by or None, handled_by_number
        appeal.save(
            update_fields=[
                "transferred_to_number",
                "transferred_to_status",
                "transferred_to_status_at",
                "handled_by",
                "handled_by_number",
            ]
        )
        data: dict[str, Any] = {"akimat": receiver.slug, "number": number, "status": status}
        where = f"№{number}"
        if handled_by:
            data["handled_by"] = {"akimat": handled_by, "number": handled_by_number}
            where += f" → {handled_by}" + (f" №{handled_by_number}" if handled_by_number else "")
        record_event(
            appeal,
            EventKind.TRANSFER_PROGRESS,
            akimat_actor(receiver),
            comment=f"{where}: {Status(status).label}",
            data=data | {"at": changed_at.isoformat()},
        )
    return appeal
