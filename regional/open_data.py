"""The region's open dataset of appeals (decision 111): every akimat's appeals received in a month,
from the read model, by the public rule the akimats apply (`appeals.states`' public statuses)
with what the read model holds: no address, point or organisation (it never had them).

Emergencies are never public. The read model keeps no emergency flag, so an appeal is left out
when its category is the shipped catalogue's emergency group or under it, when it ever reached
the 112 register (an akimat's own emergency category, once an operator forwarded it), and while it
is only received: an emergency waits there for an operator to confirm its forward (decision 100),
and one 112 sent back as no emergency is there again until an operator registers it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.db.models import CharField, Exists, Min, OuterRef, Q
from django.db.models.functions import Cast

from appeals import kpi_definitions as rules
from appeals.states import PUBLIC_CLOSED_STATUSES, PUBLIC_OPEN_STATUSES, Status
from federation.emergency_112.models import Incident
from regional.models import ALL, AppealFact, CategoryLabel, DailyTally

CHUNK = 2000
EMERGENCY_GROUP = "emergency"  # the shipped catalogue's group of categories forwarded to 112
# An operator has registered it (see the module's note on emergencies).
PUBLIC = sorted((PUBLIC_OPEN_STATUSES | PUBLIC_CLOSED_STATUSES) - {Status.RECEIVED})

COLUMNS = (
    "akimat",
    "akimat_name_kk",
    "akimat_name_ru",
    "number",
    "received_at",
    "category_code",
    "category_name_kk",
    "category_name_ru",
    "status",
    "deadline",
    "answered",
    "answered_at",
    "answered_on_time",
    "closed_at",
    "overdue_now",
    "repeat_count",
)


def _moment(value: datetime.datetime | None) -> str | None:
    return value.astimezone(rules.ALMATY).isoformat(timespec="seconds") if value else None


def first_day() -> datetime.date | None:
    """The first day the read model counted an appeal on, region-wide (a tally: one index row)."""
    return DailyTally.objects.filter(scope=ALL, category=ALL, received__gt=0).aggregate(first=Min("day"))[
        "first"
    ]


def month_appeals(
    akimats: Sequence[tuple[str, str, str, str]], first: datetime.date, after: datetime.date
) -> Iterator[dict[str, object]]:
    """The public appeals of the akimats given as (schema, slug, name kk, name ru), received from
    the day `first` to the day before `after` (Almaty), by akimat, then oldest first. Two
    statements: the categories' names, then the facts from a server-side cursor in chunks."""
    labels = {code: (parent, kk, ru) for code, parent, kk, ru in CategoryLabel.objects.values_list(
        "code", "parent", "name_kk", "name_ru"
    )}  # fmt: skip
    emergencies = sorted(
        code for code, (parent, _kk, _ru) in labels.items() if EMERGENCY_GROUP in (code, parent)
    )
    named = {schema: (slug, kk, ru) for schema, slug, kk, ru in akimats}
    forwarded = Incident.objects.filter(
        source_schema=OuterRef("schema"), appeal_number=Cast(OuterRef("number"), CharField())
    )
    facts = (
        AppealFact.objects.filter(
            schema__in=sorted(named),
            status__in=PUBLIC,
            received_at__gte=rules.day_start(first),
            received_at__lt=rules.day_start(after),
        )
        .exclude(Q(category__in=emergencies) | Q(Exists(forwarded)))
        .order_by("schema", "received_at", "number")
        .values_list(
            "schema", "number", "received_at", "category", "status", "deadline", "resolved_at",
            "closed_at", "overdue_at", "repeat_count",
        )
    )  # fmt: skip
    for (
        schema,
        number,
        received,
        category,
        status,
        deadline,
        resolved,
        closed,
        overdue,
        repeats,
    ) in facts.iterator(chunk_size=CHUNK):
        slug, akimat_kk, akimat_ru = named[schema]
        _parent, category_kk, category_ru = labels.get(category, ("", "", ""))
        answered = rules.is_answered(status, resolved, deadline)
        yield {
            "akimat": slug,
            "akimat_name_kk": akimat_kk,
            "akimat_name_ru": akimat_ru,
            "number": number,
            "received_at": _moment(received),
            "category_code": category,
            "category_name_kk": category_kk,
            "category_name_ru": category_ru,
            "status": status,
            "deadline": _moment(deadline),
            "answered": answered,
            "answered_at": _moment(resolved) if answered else None,
            "answered_on_time": rules.is_on_time(resolved, deadline) if answered else None,
            "closed_at": _moment(closed) if rules.is_closed(status, closed) else None,
            "overdue_now": rules.is_overdue_now(status, overdue),
            "repeat_count": repeats,
        }
