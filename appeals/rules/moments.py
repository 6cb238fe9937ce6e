"""Days and moments callers send, as the database can compare them: a moment's offset may be any
ISO 8601 offset (up to ±23:59) while PostgreSQL stores up to ±15:59, so a moment goes to it in UTC;
a moment that is no year 1-9999 in UTC, and a day no appeal can fall on, are refused by field
instead of failing in the query."""

from __future__ import annotations

import datetime

from django.utils import timezone

from appeals.errors import AppealError
from appeals.kpi_definitions import ALMATY

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
OUT_OF_RANGE = "out_of_range"
DAY_OUT_OF_RANGE = (
    f"{FIRST_DAY:%d.%m.%Y} – {LAST_DAY:%d.%m.%Y} аралығындағы күн / "
    f"День с {FIRST_DAY:%d.%m.%Y} по {LAST_DAY:%d.%m.%Y}"
)


def in_utc(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in UTC (without an offset it is Almaty's time); OverflowError outside years 1-9999."""
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=ALMATY)
    return moment.astimezone(datetime.UTC)


def storable_moment(moment: datetime.datetime, field: str) -> datetime.datetime:
    """`moment` in UTC, or refused by field outside years 1-9999 in UTC."""
    try:
        return in_utc(moment)
    except OverflowError:
        raise AppealError.of(
            field, OUT_OF_RANGE, "1–9999 жылдардан тыс уақыт / Время вне 1–9999 годов"
        ) from None


def within_calendar(day: datetime.date | None) -> bool:
    """No day, or one appeals can fall on (2000-2100): outside, arithmetic on it may leave the calendar."""
    return day is None or FIRST_DAY <= day <= LAST_DAY


def checked_day(day: datetime.date | None, field: str) -> datetime.date | None:
    """`day` when appeals can fall on it (`within_calendar`), else refused by field."""
    if not within_calendar(day):
        raise AppealError.of(field, OUT_OF_RANGE, DAY_OUT_OF_RANGE)
    return day
