"""What the regional console page shows, from the read model only (never an akimat's schema): the
region's KPIs and every akimat's side by side over the last days, the escalation queue with each
appeal's state, and the most overdue open appeals. A fixed number of queries whatever the number
of akimats or rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from appeals.states import ACTIVE_STATUSES, Status
from regional import kpis
from regional.models import AppealFact, CategoryLabel, Escalation
from regional.rankings import RegionPlace, region_places
from tenants.models import Akimat

PERIOD_DAYS = (7, 30, 90, 365)
QUEUE_ROWS = 50
OVERDUE_ROWS = 20


@dataclass(frozen=True)
class Figures:
    """One row of the KPI table, ready to print (percentages and hours rounded; None: no data)."""

    received: int
    sla_percent: float | None
    median_hours: float | None
    p90_hours: float | None
    open_now: int
    overdue_now: int
    repeat_percent: float | None
    escalated_now: int

    @classmethod
    def of(cls, value: kpis.Kpis) -> Figures:
        def hours(share: float) -> float | None:
            result = value.hours_to_close(share)
            return None if result is None else round(result, 1)

        return cls(
            received=value.received,
            sla_percent=value.sla_percent,
            median_hours=hours(0.5),
            p90_hours=hours(0.9),
            open_now=value.open_now,
            overdue_now=value.overdue_now,
            repeat_percent=value.repeat_percent,
            escalated_now=value.escalated_now,
        )


@dataclass
class AkimatRow:
    akimat: Akimat
    figures: Figures


@dataclass
class Console:
    days: int
    period: kpis.Period
    region: Figures
    akimats: list[AkimatRow]
    queue: list[Escalation]
    overdue: list[AppealFact]
    places: list[RegionPlace]


def console(days: int) -> Console:
    today = timezone.now().astimezone(kpis.ALMATY).date()
    period = kpis.Period.of(today - datetime.timedelta(days=days - 1), today)
    registry = list(
        Akimat.objects.in_region()
        .exclude(schema_name=get_public_schema_name())
        .filter(is_active=True)
        .defer("boundary")
    )
    registry.sort(key=lambda akimat: akimat.kato)
    by_scope = kpis.kpis_by_scope([a.schema_name for a in registry], None, period)
    queue = list(
        Escalation.objects.filter(state__in=kpis.IN_WORK).order_by("-escalated_at", "-id")[:QUEUE_ROWS]
    )
    attach_facts(queue)
    overdue = list(
        AppealFact.objects.filter(status__in=sorted(ACTIVE_STATUSES), overdue_at__isnull=False).order_by(
            "deadline", "id"
        )[:OVERDUE_ROWS]
    )
    names = {akimat.schema_name: akimat for akimat in registry}
    labels = {label.code: label for label in CategoryLabel.objects.all()}
    places = region_places(set(names))
    for place in places:
        place.akimat = names.get(place.schema)
    for row in [*queue, *overdue, *(e.fact for e in queue if e.fact is not None)]:
        # What the page prints next to each row: names, not schema and category codes.
        row.akimat, row.label = names.get(row.schema), labels.get(row.category)
        if isinstance(row, AppealFact):
            row.status_label = Status(row.status).label if row.status in Status.values else row.status
    return Console(
        days=days,
        period=period,
        region=Figures.of(kpis.region_kpis(None, period)),
        akimats=[AkimatRow(akimat, Figures.of(by_scope[akimat.schema_name])) for akimat in registry],
        queue=queue,
        overdue=overdue,
        places=places,
    )


def attach_facts(escalations: list[Escalation]) -> None:
    """The read model's state of each escalated appeal (`escalation.fact`), in one query."""
    if not escalations:
        return
    keys = Q()
    for escalation in escalations:
        keys |= Q(schema=escalation.schema, number=escalation.appeal_number)
    facts = {(f.schema, f.number): f for f in AppealFact.objects.filter(keys)}
    for escalation in escalations:
        escalation.fact = facts.get((escalation.schema, escalation.appeal_number))
