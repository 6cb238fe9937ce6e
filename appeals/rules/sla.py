"""The one place that decides SLA deadlines: the category's target time on the category's calendar."""

from __future__ import annotations

import datetime

from appeals.models import Category, SlaCalendar
from appeals.rules.calendar import ALMATY, tenant_calendar


def deadline_for(category: Category, start: datetime.datetime) -> datetime.datetime:
    """When the responsible service must have answered an appeal of `category` received at `start`."""
    if category.sla_calendar == SlaCalendar.ROUND_THE_CLOCK:
        return (start + datetime.timedelta(hours=category.sla_hours)).astimezone(ALMATY)
    return tenant_calendar().add_working_hours(start, category.sla_hours)


def hours_between(start: datetime.datetime, end: datetime.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 2)
