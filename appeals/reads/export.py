"""An akimat's appeals for a period, row by row, for integrators' and analysts' files (NDJSON or
CSV, streamed by appeals.web.export): state, place and timings; the applicant's name and phone
and the free-text description (which callers fill with phones and IINs) only for roles that see
personal data."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F, Q

from appeals.errors import AppealError
from appeals.models import Appeal
from appeals.rules.access import Reach
from appeals.rules.calendar import ALMATY
from appeals.rules.moments import checked_day

MAX_DAYS = 366
CHUNK = 2000  # rows per fetch of the server-side cursor

FIELDS = (
    "number", "received_at", "status", "channel", "priority", "category", "organisation", "deadline",
    "resolved_at", "closed_at", "overdue", "repeat_of", "repeat_count", "reopen_count", "address",
    "object_key", "longitude", "latitude",
)  # fmt: skip
PERSONAL_FIELDS = ("applicant_name", "applicant_phone", "description")


@dataclass(frozen=True)
class ExportPeriod:
    since: datetime.date
    until: datetime.date  # inclusive

    @classmethod
    def of(cls, since: datetime.date | None, until: datetime.date | None) -> ExportPeriod:
        today = datetime.datetime.now(ALMATY).date()
        since, until = checked_day(since, "since"), checked_day(until, "until")
        until = until or today
        since = since or until - datetime.timedelta(days=29)
        if since > until:
            raise AppealError.of("since", "invalid", "Басы соңынан кейін / Начало позже конца периода")
        if (until - since).days >= MAX_DAYS:
            raise AppealError.of(
                "until", "invalid", f"{MAX_DAYS} күннен аспайды / Не больше {MAX_DAYS} дней за раз"
            )
        return cls(since, until)

    def q(self) -> Q:
        start = datetime.datetime.combine(self.since, datetime.time(), tzinfo=ALMATY)
        end = datetime.datetime.combine(
            self.until + datetime.timedelta(days=1), datetime.time(), tzinfo=ALMATY
        )
        return Q(received_at__gte=start, received_at__lt=end)


def _time(value: datetime.datetime | None) -> str | None:
    return value.astimezone(ALMATY).isoformat(timespec="seconds") if value else None


def export_rows(period: ExportPeriod, reach: Reach, *, personal: bool) -> Iterator[dict[str, object]]:
    """Oldest first; one query, read in chunks from a server-side cursor (no whole list in memory)."""
    appeals = Appeal.objects.filter(period.q())
    if not reach.is_everything:
        appeals = appeals.filter(organisation_id=reach.organisation_id)
    columns = [
        "number", "received_at", "status", "channel", "priority", "deadline", "resolved_at", "closed_at",
        "overdue_at", "repeat_count", "reopen_count", "address", "object_key", "location",
    ]  # fmt: skip
    rows = appeals.order_by("received_at", "id").values(
        *columns,
        *(PERSONAL_FIELDS if personal else ()),
        category_code=F("category__code"),
        organisation_code=F("organisation__code"),
        parent_number=F("parent__number"),
    )
    for row in rows.iterator(chunk_size=CHUNK):
        location = row["location"]
        out: dict[str, object] = {
            "number": row["number"],
            "received_at": _time(row["received_at"]),
            "status": row["status"],
            "channel": row["channel"],
            "priority": row["priority"],
            "category": row["category_code"],
            "organisation": row["organisation_code"],
            "deadline": _time(row["deadline"]),
            "resolved_at": _time(row["resolved_at"]),
            "closed_at": _time(row["closed_at"]),
            "overdue": row["overdue_at"] is not None,
            "repeat_of": row["parent_number"],
            "repeat_count": row["repeat_count"],
            "reopen_count": row["reopen_count"],
            "address": row["address"],
            "object_key": row["object_key"],
            "longitude": location.x if location else None,
            "latitude": location.y if location else None,
        }
        if personal:
            out.update({name: row[name] for name in PERSONAL_FIELDS})
        yield out
