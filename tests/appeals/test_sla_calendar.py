"""SLA deadlines in Asia/Almaty: round the clock, working hours across a weekend, a public holiday,
the decree's exceptions (extra day off, working Saturday), and the edges of the working day."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from appeals.models import CalendarException, Category
from appeals.rules.calendar import WorkingCalendar, forget_tenant_calendar
from appeals.rules.sla import deadline_for

ALMATY = ZoneInfo("Asia/Almaty")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ALMATY)


@pytest.fixture
def working(petropavlovsk) -> Category:
    forget_tenant_calendar()
    yield Category.objects.create(
        code="test-working", name_kk="т", name_ru="т", sla_calendar="working_days", sla_hours=9
    )
    forget_tenant_calendar()


def test_round_the_clock_ignores_weekends_and_holidays(petropavlovsk):
    heating = Category.objects.get(code="heating")  # 24 hours round the clock
    # Saturday of Nauryz.
    assert deadline_for(heating, at("2026-03-21T10:00")) == at("2026-03-22T10:00")
    assert deadline_for(heating, at("2026-03-21T10:00")).utcoffset() == datetime.timedelta(hours=5)


def test_working_hours_skip_the_weekend(petropavlovsk):
    lighting = Category.objects.get(code="street-lighting")  # 27 working hours = 3 working days
    # Friday 15:00: 3 h on Friday, 9 h Monday, 9 h Tuesday, 6 h on Wednesday.
    assert deadline_for(lighting, at("2026-11-20T15:00")) == at("2026-11-25T15:00")


def test_working_hours_skip_a_public_holiday(working):
    # Independence Day, Wednesday 16 December 2026.
    assert deadline_for(working, at("2026-12-15T12:00")) == at("2026-12-17T12:00")
    # Nauryz: Saturday 21 to Wednesday 25 March 2026 (observed days included).
    assert deadline_for(working, at("2026-03-20T16:00")) == at("2026-03-26T16:00")


def test_the_decree_exceptions_move_the_deadline(working):
    CalendarException.objects.create(date=datetime.date(2026, 12, 17), kind="day_off", note="перенос")
    forget_tenant_calendar()
    assert deadline_for(working, at("2026-12-15T12:00")) == at("2026-12-18T12:00")

    CalendarException.objects.create(
        date=datetime.date(2026, 11, 21), kind="working_day", note="рабочая суббота"
    )
    forget_tenant_calendar()
    assert deadline_for(working, at("2026-11-20T15:00")) == at("2026-11-21T15:00")


def test_an_edit_in_the_admin_reaches_the_calendar_at_once(working):
    deadline_for(working, at("2026-12-15T12:00"))  # fills the process cache
    CalendarException.objects.create(date=datetime.date(2026, 12, 17), kind="day_off")
    assert deadline_for(working, at("2026-12-15T12:00")) == at("2026-12-18T12:00")


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        ("2026-11-23T07:00", "2026-11-23T18:00"),  # before opening: counts from 09:00
        ("2026-11-23T20:00", "2026-11-24T18:00"),  # after closing: from the next morning
        ("2026-11-23T18:00", "2026-11-24T18:00"),  # at closing time
        ("2026-11-22T12:00", "2026-11-23T18:00"),  # on a Sunday
    ],
)
def test_edges_of_the_working_day(working, received, deadline):
    assert deadline_for(working, at(received)) == at(deadline)


def test_a_utc_instant_is_read_in_almaty_time(working):
    # Sunday 20:00 UTC is Monday 01:00 in Almaty: the count starts on Monday at 09:00.
    sunday_night_utc = datetime.datetime(2026, 11, 22, 20, 0, tzinfo=datetime.UTC)
    assert deadline_for(working, sunday_night_utc) == at("2026-11-23T18:00")


def test_the_calendar_alone_knows_weekends_holidays_and_moved_days():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(datetime.date(2026, 11, 26))  # Thursday
    assert not calendar.is_working_day(datetime.date(2026, 11, 28))  # Saturday
    assert not calendar.is_working_day(datetime.date(2026, 12, 16))  # Independence Day
    assert not calendar.is_working_day(datetime.date(2025, 1, 3))  # day off moved by decree
    assert calendar.is_working_day(datetime.date(2025, 1, 5))  # the Sunday worked instead
