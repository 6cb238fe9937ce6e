"""What a hotspot question asks: a category (with its sub-categories) and a period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.models import Category
from appeals.rules.moments import in_utc
from citymap.errors import CityMapError, say

DEFAULT_DAYS = 30
MAX_DAYS = 732
UNKNOWN_CATEGORY = _("Unknown category {value}.")
BAD_PERIOD = _("The period must end after it starts and cover at most {days} days.")


@dataclass(frozen=True)
class Question:
    since: datetime.datetime
    until: datetime.datetime
    category_ids: tuple[int, ...] | None  # None: every category


def question(
    category_code: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> Question:
    """The period defaults to the last 30 days; a category includes its sub-categories. One query
    when a category is named, none otherwise."""
    try:
        # In UTC: PostgreSQL takes offsets up to ±15:59 only.
        since, until = (in_utc(moment) if moment else None for moment in (since, until))
        until = until or timezone.now()
        since = since or until - datetime.timedelta(days=DEFAULT_DAYS)
        refused = since >= until or until - since > datetime.timedelta(days=MAX_DAYS)
    except OverflowError:  # a time at the calendar's edge
        refused = True
    if refused:
        raise CityMapError.of("since", "invalid_period", say(BAD_PERIOD, days=MAX_DAYS))
    category_ids = None
    if category_code:
        category_ids = tuple(
            Category.objects.filter(Q(code=category_code) | Q(parent__code=category_code))
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not category_ids:
            raise CityMapError.of("category", "not_found", say(UNKNOWN_CATEGORY, value=category_code))
    return Question(since=since, until=until, category_ids=category_ids)
