"""Kazakhstan's working calendar in Asia/Almaty: public holidays from the `holidays` package,
plus the akimat's editable exceptions (days the government moved by decree).

A working day runs 09:00-18:00; working-day SLA targets count only those hours.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import holidays

from appeals.catalogue.schema_cache import SchemaCache
from appeals.models import CalendarException, CalendarExceptionKind

ALMATY = ZoneInfo("Asia/Almaty")
WORKDAY_START = datetime.time(9, 0)
WORKDAY_END = datetime.time(18, 0)
# Another process's edit to the exceptions is seen within this many seconds.
EXCEPTIONS_TTL_SECONDS = 60.0


class WorkingCalendar:
    def __init__(self, exceptions: dict[datetime.date, str] | None = None) -> None:
        self.exceptions = exceptions or {}
        self._holidays = holidays.country_holidays("KZ")

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarExceptionKind.DAY_OFF:
            return False
        if kind == CalendarExceptionKind.WORKING_DAY:
            return True
        # Knows weekends, public holidays, their substitutes and the working days moved onto weekends.
        return self._holidays.is_working_day(day)

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment `hours` of working time after `start` have passed (aware, in Asia/Almaty)."""
        remaining = datetime.timedelta(hours=hours)
        cursor = start.astimezone(ALMATY)
        for _ in range(3660):  # ten years of days: a bound, never reached by a sane target
            day = cursor.date()
            opens = datetime.datetime.combine(day, WORKDAY_START, ALMATY)
            closes = datetime.datetime.combine(day, WORKDAY_END, ALMATY)
            if self.is_working_day(day) and cursor < closes:
                begin = max(cursor, opens)
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            cursor = datetime.datetime.combine(day + datetime.timedelta(days=1), WORKDAY_START, ALMATY)
        raise ValueError(f"no working time within ten years of {start}")


def _load_calendar() -> WorkingCalendar:
    return WorkingCalendar(dict(CalendarException.objects.values_list("date", "kind")))


_calendars: SchemaCache[WorkingCalendar] = SchemaCache(_load_calendar, EXCEPTIONS_TTL_SECONDS)


def tenant_calendar() -> WorkingCalendar:
    """The current tenant's calendar, kept in process memory for a minute (keyed by schema)."""
    return _calendars.get()


def forget_tenant_calendar(schema: str | None = None) -> None:
    """Drop the cached calendar (after an edit in this process)."""
    _calendars.forget(schema)
