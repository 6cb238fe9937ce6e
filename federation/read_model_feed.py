"""Every appeal change goes to the region as `appeals.status`: the appeal's whole current state (decision
15: state, not deltas), in the transaction of the change, in order per appeal.

`version` is the id of the appeal event the state follows. Event ids grow per akimat, and one appeal's
events are written under its row lock, so a higher version is a newer state: the region keeps the
highest it has seen (older or repeated messages change nothing), and a rebuild that sends the current
state again (`appeals.status_batch`, see `send_backfill`) can never overwrite a newer one.

No personal data leaves: no applicant, phone, IIN, address or description, only what the regional
KPIs and lists need.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from appeals.kpi_definitions import ALMATY
from appeals.models import Appeal, AppealEvent, Category, EventKind
from federation.messaging.outbox import region, send
from tenants.sandbox import current_is_sandbox

STATUS_KIND = "appeals.status"
BATCH_KIND = "appeals.status_batch"
BATCH_SIZE = 250  # about 120 kB of JSON, under FEDERATION_MAX_PAYLOAD_BYTES

# Events that change nothing the region keeps: no message (the next one carries the state anyway).
SILENT_KINDS = frozenset(
    {
        EventKind.SLA_WARNING,
        EventKind.CALLBACK_ATTEMPT,
        EventKind.KEPT_SEPARATE,
        EventKind.ATTACHMENT_ADDED,
        EventKind.TRANSFER_PROPOSED,
        EventKind.TRANSFER_PROGRESS,
        EventKind.ESCALATED,  # to the akimat's supervisor: written with OVERDUE, which carries it
    }
)

_TIME = {"type": ["string", "null"], "format": "date-time"}
STATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "number": {"type": "integer", "minimum": 1},
        "version": {"type": "integer", "minimum": 1},
        "status": {"type": "string", "minLength": 1, "maxLength": 20},
        "priority": {"type": "string", "maxLength": 10},
        "channel": {"type": "string", "maxLength": 12},
        "category": {
            "type": ["object", "null"],
            "properties": {
                "code": {"type": "string", "minLength": 1, "maxLength": 60},
                "parent": {"type": "string", "maxLength": 60},
                "name_kk": {"type": "string", "maxLength": 200},
                "name_ru": {"type": "string", "maxLength": 200},
            },
            "required": ["code", "parent", "name_kk", "name_ru"],
            "additionalProperties": False,
        },
        "received_at": {"type": "string", "format": "date-time"},
        "resolved_at": _TIME,
        "closed_at": _TIME,
        "deadline": _TIME,
        "overdue_at": _TIME,
        "escalated_at": _TIME,
        "is_repeat": {"type": "boolean"},
        "repeat_count": {"type": "integer", "minimum": 0},
        "reopen_count": {"type": "integer", "minimum": 0},
        "transferred_to": {"type": ["string", "null"], "maxLength": 40},
        "transferred_from": {"type": ["string", "null"], "maxLength": 40},
        "origin_number": {"type": ["integer", "null"]},
        "regional_escalation": {"type": ["string", "null"], "maxLength": 20},
    },
    "required": [
        "number",
        "version",
        "status",
        "priority",
        "channel",
        "category",
        "received_at",
        "resolved_at",
        "closed_at",
        "deadline",
        "overdue_at",
        "escalated_at",
        "is_repeat",
        "repeat_count",
        "reopen_count",
        "transferred_to",
        "transferred_from",
        "origin_number",
        "regional_escalation",
    ],
    # Nothing else may ride along: this is the line personal data never crosses.
    "additionalProperties": False,
}
BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "appeals": {"type": "array", "items": STATE_SCHEMA, "minItems": 1, "maxItems": BATCH_SIZE}
    },
    "required": ["appeals"],
    "additionalProperties": False,
}


# --------------------------------------------------------------------------- category parents

_PARENTS_TTL = 60.0
_lock = threading.Lock()
_parents: dict[str, tuple[float, dict[int, str]]] = {}


def category_parent(category: Category) -> str:
    """The parent's code without a query per message (category ids -> codes, per schema, a minute)."""
    if category.parent_id is None:
        return ""
    schema = connection.schema_name
    entry = _parents.get(schema)
    if entry is None or entry[0] <= time.monotonic() or category.parent_id not in entry[1]:
        entry = (time.monotonic() + _PARENTS_TTL, dict(Category.objects.values_list("id", "code")))
        with _lock:
            _parents[schema] = entry
    return entry[1].get(category.parent_id, "")


def _iso(value: datetime.datetime | None) -> str | None:
    # Almaty's time, as every time the platform shows: a fresh value carries Almaty's offset, one
    # loaded from the database UTC's, and integrators get this state in their webhooks.
    return value.astimezone(ALMATY).isoformat() if value is not None else None


def state_of(appeal: Appeal, version: int, *, parent_code: str | None = None) -> dict[str, Any]:
    """The appeal's state as the region keeps it."""
    category = appeal.category
    return {
        "number": appeal.number,
        "version": version,
        "status": str(appeal.status),
        "priority": str(appeal.priority),
        "channel": str(appeal.channel),
        "category": None
        if category is None
        else {
            "code": category.code,
            "parent": parent_code if parent_code is not None else category_parent(category),
            "name_kk": category.name_kk,
            "name_ru": category.name_ru,
        },
        "received_at": _iso(appeal.received_at),
        "resolved_at": _iso(appeal.resolved_at),
        "closed_at": _iso(appeal.closed_at),
        "deadline": _iso(appeal.deadline),
        "overdue_at": _iso(appeal.overdue_at),
        "escalated_at": _iso(appeal.escalated_at),
        "is_repeat": appeal.parent_id is not None,
        "repeat_count": appeal.repeat_count,
        "reopen_count": appeal.reopen_count,
        "transferred_to": appeal.transferred_to,
        "transferred_from": appeal.transferred_from,
        "origin_number": appeal.origin_number,
        "regional_escalation": appeal.regional_escalation or None,
    }


def on_appeal_event(appeal: Appeal, event: AppealEvent) -> None:
    """appeals.events listener: runs inside the change's transaction, so the message commits with it."""
    if event.kind in SILENT_KINDS or current_is_sandbox():
        return  # the sandbox's test appeals are no part of the region's figures (decision 79)
    send(STATUS_KIND, state_of(appeal, event.pk), target=region(), ordering_key=f"appeal:{appeal.number}")


# --------------------------------------------------------------------------- rebuild


def current_states(numbers: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
    """Every appeal of the current schema (or those numbered) in its current state, oldest first."""
    appeals = (
        Appeal.objects.select_related("category__parent").annotate(version=Max("events__id")).order_by("id")
    )
    if numbers is not None:
        appeals = appeals.filter(number__in=list(numbers))
    for appeal in appeals.iterator(chunk_size=2000):
        category = appeal.category
        parent = category.parent.code if category is not None and category.parent_id else ""
        yield state_of(appeal, appeal.version, parent_code=parent)


def send_backfill(batch_size: int = BATCH_SIZE) -> list[Any]:
    """Send every appeal of the current akimat to the region again, in batches (one transaction).

    The region applies each state only where it is newer than what it has, so running this twice, or
    while live messages flow, changes nothing that is already right.
    """
    if connection.schema_name == region():
        raise RuntimeError("send_backfill runs in an akimat's schema, not in the region's")
    if current_is_sandbox():
        return []
    ids = []
    with transaction.atomic():
        batch: list[dict[str, Any]] = []
        for state in current_states():
            batch.append(state)
            if len(batch) == batch_size:
                ids.append(send(BATCH_KIND, {"appeals": batch}, target=region()))
                batch = []
        if batch:
            ids.append(send(BATCH_KIND, {"appeals": batch}, target=region()))
    return ids
