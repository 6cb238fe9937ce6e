"""The KPIs counted straight from an akimat's own appeals (what the region must never do at request
time), to hold the read model against. Written from the definitions in regional/tallies.py's docstring,
not from its code."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django_tenants.utils import schema_context

from appeals.models import Appeal
from appeals.states import ACTIVE_STATUSES
from regional.histogram import bucket_of

ALMATY = ZoneInfo("Asia/Almaty")


@dataclass
class Direct:
    status: Counter = field(default_factory=Counter)  # (category, status) -> count
    overdue: Counter = field(default_factory=Counter)  # (category, status) -> open and overdue
    daily: dict = field(default_factory=lambda: defaultdict(Counter))  # (category, day) -> counters
    close_seconds: list[float] = field(default_factory=list)


def count(schema: str) -> Direct:
    direct = Direct()
    with schema_context(schema):
        for a in Appeal.objects.select_related("category"):
            category = a.category.code if a.category_id else ""
            direct.status[(category, a.status)] += 1
            if a.status in ACTIVE_STATUSES and a.overdue_at is not None:
                direct.overdue[(category, a.status)] += 1
            if a.status != "transferred":
                cell = direct.daily[(category, a.received_at.astimezone(ALMATY).date())]
                cell["received"] += 1
                cell["repeats"] += a.parent_id is not None
            if a.resolved_at and a.deadline and a.status not in ("cancelled", "transferred"):
                cell = direct.daily[(category, a.resolved_at.astimezone(ALMATY).date())]
                cell["resolved"] += 1
                cell["resolved_on_time"] += a.resolved_at <= a.deadline
            if a.status == "closed" and a.closed_at:
                seconds = (a.closed_at - a.received_at).total_seconds()
                cell = direct.daily[(category, a.closed_at.astimezone(ALMATY).date())]
                cell["closed"] += 1
                cell[f"h{bucket_of(seconds):02d}"] += 1
                direct.close_seconds.append(seconds)
    connection.set_schema_to_public()
    return direct


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]
