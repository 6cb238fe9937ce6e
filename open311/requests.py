"""Open311 service requests: what of an akimat's appeals is public, and the list's filters.

What is public is `appeals.reads.public`'s rule: what a passer-by could see on the street (the
topic, the place, the status, the dates and who is responsible), never the applicant. Decision 101.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from appeals.errors import AppealError, Problem
from appeals.kpi_definitions import ALMATY
from appeals.reads.public import (
    CLOSED,
    OPEN,
    public_appeals,
    public_rows,
    shown_address,
    shown_description,
    shown_resolution,
)
from appeals.rules.moments import storable_moment
from appeals.rules.text import invalid_characters, storable
from open311.services import name_in

DEFAULT_DAYS = 90  # the specification's default window
MAX_RESULTS = 1000  # the specification's most per answer
MAX_IDS = 100
NOT_A_DATE = _("Not a date: use 2026-12-01 or 2026-12-01T09:00:00+05:00.")
NOT_IN_RANGE = _("A whole number from {low} to {high}.")


def _time(value: datetime.datetime | None) -> str | None:
    return value.astimezone(ALMATY).isoformat(timespec="seconds") if value is not None else None


def as_request(row: Mapping[str, Any], language: str | None) -> dict[str, object]:
    """One public appeal (a row of `public_rows`) as Open311's request."""
    closed = row["status"] in CLOSED
    # The place, as the address, is public once a person of the 109 line read the appeal.
    read = row["registered_at"] is not None
    longitude, latitude = (row["longitude"], row["latitude"]) if read else (None, None)
    return {
        "service_request_id": str(row["number"]),
        "status": "closed" if closed else "open",
        "status_notes": shown_resolution(row["resolution"], row["status"]),
        "service_name": name_in(row, language, "category__name"),
        "service_code": row["category__code"] or "",
        "description": shown_description(row["description"], row["registered_at"]),
        "agency_responsible": name_in(row, language, "organisation__name"),
        "service_notice": "",
        "requested_datetime": _time(row["received_at"]),
        "updated_datetime": _time(row["status_changed_at"]),
        "expected_datetime": _time(row["deadline"]),
        "address": shown_address(row["address"], row["registered_at"]),
        "address_id": row["object_key"] if read else "",
        "zipcode": "",
        "lat": round(latitude, 6) if latitude is not None else None,
        "long": round(longitude, 6) if longitude is not None else None,
        "media_url": "",
    }


@dataclass
class RequestQuery:
    """The GET /requests filters as sent (all optional)."""

    FILTERS: ClassVar[tuple[str, ...]] = (
        "service_request_id",
        "service_code",
        "start_date",
        "end_date",
        "status",
        "page",
        "page_size",
    )
    service_request_id: str = ""
    service_code: str = ""
    start_date: str = ""
    end_date: str = ""
    status: str = ""
    page: str = ""
    page_size: str = ""


def _moment(text: str, name: str, *, end: bool, problems: list[Problem]) -> datetime.datetime | None:
    """A w3c date-time (a time without an offset is Almaty's) or a date (its start, or for
    end_date its end)."""
    if not text:
        return None
    try:
        # A plain date first: Django's parse_datetime takes "2026-12-01" as its midnight.
        day = parse_date(text)
        moment = None if day is not None else parse_datetime(text)
        if moment is None and day is not None:
            moment = datetime.datetime.combine(
                day + datetime.timedelta(days=1 if end else 0), datetime.time()
            )
        if moment is not None:
            return storable_moment(moment, name)
    except (ValueError, OverflowError):  # no such day, or the calendar's last
        pass
    except AppealError as error:  # an offset past what the database compares
        problems.extend(error.problems)
        return None
    problems.append(Problem(name, "invalid", NOT_A_DATE))
    return None


def _number(text: str, name: str, low: int, high: int, default: int, problems: list[Problem]) -> int:
    if not text:
        return default
    if text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text)
    problems.append(Problem(name, "out_of_range", format_lazy(NOT_IN_RANGE, low=low, high=high)))
    return default


def _choices(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def find_requests(query: RequestQuery, language: str | None) -> list[dict[str, object]]:
    """The public requests the filters name, newest first; AppealError naming every bad filter."""
    problems = [invalid_characters(name) for name in query.FILTERS if not storable(getattr(query, name))]
    if problems:  # NUL or a lone surrogate: PostgreSQL would refuse the comparison itself
        raise AppealError(*problems)
    found = public_appeals()
    ids = _choices(query.service_request_id)
    if len(ids) > MAX_IDS or not all(i.isascii() and i.isdigit() and len(i) < 19 for i in ids):
        problems.append(
            Problem("service_request_id", "invalid", _("Up to 100 request ids, comma-separated digits."))
        )
    statuses = _choices(query.status)
    if any(s not in ("open", "closed") for s in statuses):
        problems.append(Problem("status", "invalid", _("A status is open or closed.")))
    start = _moment(query.start_date, "start_date", end=False, problems=problems)
    end = _moment(query.end_date, "end_date", end=True, problems=problems)
    if start and end and start >= end:
        problems.append(Problem("end_date", "invalid_period", _("end_date must come after start_date.")))
    page = _number(query.page, "page", 1, 10**6, 1, problems)
    size = _number(query.page_size, "page_size", 1, MAX_RESULTS, MAX_RESULTS, problems)
    if problems:
        raise AppealError(*problems)
    if ids:  # asked by id: every date, as the specification has it
        found = found.filter(number__in=[int(i) for i in ids])
    else:
        if start is None and end is None:
            start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            found = found.filter(received_at__gte=start)
        if end is not None:
            found = found.filter(received_at__lt=end)
    codes = _choices(query.service_code)
    if codes:
        found = found.filter(category__code__in=codes)
    if statuses and len(set(statuses)) == 1:
        found = found.filter(status__in=OPEN if statuses[0] == "open" else CLOSED)
    rows = public_rows(found).order_by("-received_at", "-id")[(page - 1) * size : page * size]
    return [as_request(row, language) for row in rows]


def find_request(number_text: str, language: str | None) -> dict[str, object] | None:
    if not (number_text.isascii() and number_text.isdigit() and len(number_text) < 19):
        return None
    row = public_rows(public_appeals().filter(number=int(number_text))).first()
    return as_request(row, language) if row is not None else None
