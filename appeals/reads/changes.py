"""The change feed: an akimat's appeals in the order they changed, to catch up from a position.

Event ids and timestamps are taken when a transaction writes, not when it commits: a reader that
handed out "everything up to event 1000" could later see event 999 commit, behind its cursor. So
the feed is ordered by the id of the transaction that wrote the appeal's latest event (its mark,
AppealChangeMark) and shows only marks below the oldest transaction still running
(`pg_snapshot_xmin`): every transaction under that line has ended, and every one that ends later
has a larger id, so it lands after any cursor handed out now. A long transaction holds the line
back (the feed waits for it), never loses a change. A changed appeal appears once, at its latest
change; an integrator following the feed sees every appeal whose state it has not seen yet.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL

from appeals.errors import AppealError
from appeals.models import Appeal

CURSOR_PREFIX = "c1."
BIGINT = 2**63
FIELD = "changedSince"

# Every transaction with a smaller id has ended: what it wrote is visible or will never be.
_HORIZON = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
# The reader's own writes (a test's transaction, an action reading back what it changed).
_OWN = RawSQL("pg_current_xact_id_if_assigned()::text::bigint", [])


@dataclass(frozen=True)
class Position:
    """A place in the feed: after the appeal `appeal_id` changed by the transaction `xid`."""

    xid: int
    appeal_id: int

    @property
    def cursor(self) -> str:
        raw = f"{self.xid}.{self.appeal_id}".encode()
        return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def position_of(appeal: Appeal) -> Position:
    """The position right after `appeal` (one read with `changed_since`, which annotates change_xid)."""
    return Position(appeal.change_xid, appeal.pk)


def parse_since(text: str) -> Position | datetime.datetime | None:
    """A cursor of this feed, or an ISO 8601 time with its offset (appeals changed at or after it,
    for a first sync); empty means from the beginning. Anything else is refused."""
    text = text.strip()
    if not text:
        return None
    if text.startswith(CURSOR_PREFIX):
        return _decode(text[len(CURSOR_PREFIX) :])
    try:
        moment = datetime.datetime.fromisoformat(text)
        # In UTC (PostgreSQL stores offsets up to ±15:59 only); OverflowError beyond year 1-9999.
        compared = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise _invalid() from None
    if moment.tzinfo is None:
        raise AppealError.of(
            FIELD,
            "timestamp_without_offset",
            "уақыт белдеуі көрсетілмеген (мысалы +05:00) / укажите смещение часового пояса (например +05:00)",
        )
    return compared


def _decode(body: str) -> Position:
    try:
        xid, appeal_id = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().split(".")
        position = Position(int(xid), int(appeal_id))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _invalid() from None
    if not (0 <= position.xid < BIGINT and 0 < position.appeal_id < BIGINT):
        raise _invalid()
    return position


def _invalid() -> AppealError:
    return AppealError.of(
        FIELD,
        "invalid_cursor",
        "өзгерістер курсоры да, уақыт та емес / не курсор изменений и не время (ISO 8601)",
    )


def changed_since(appeals: QuerySet[Appeal], since: Position | datetime.datetime | None) -> QuerySet[Appeal]:
    """The appeals (of a queryset already narrowed to the reader's reach) changed after `since`,
    in feed order, each annotated with `change_xid` for its cursor."""
    feed = appeals.annotate(change_xid=F("change_mark__change_xid")).filter(
        Q(change_mark__change_xid__lt=_HORIZON) | Q(change_mark__change_xid=_OWN)
    )
    if isinstance(since, Position):
        feed = feed.filter(
            Q(change_mark__change_xid__gt=since.xid)
            | Q(change_mark__change_xid=since.xid, pk__gt=since.appeal_id)
        )
    elif isinstance(since, datetime.datetime):
        feed = feed.filter(change_mark__changed_at__gte=since)
    return feed.order_by("change_mark__change_xid", "id")
