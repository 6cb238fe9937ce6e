"""The map objects with the most appeals in a period (and category): the supervisor's dashboard
and the region's console read this list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from appeals.kpi_definitions import OPEN, OVERDUE_NOW
from citymap.hotspots.period import Question
from citymap.models import AppealObject, MapObject

MAX_RANKED = 100


@dataclass
class RankedObject:
    map_object: MapObject
    appeals: int
    open: int
    overdue: int
    repeats: int


def _prefixed(condition: Q) -> Q:
    """A condition on the appeal, asked through the link (`appeal__...`)."""
    children = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(_prefixed(child))
        else:
            name, value = child
            children.append((f"appeal__{name}", value))
    prefixed = Q(*children, _connector=condition.connector, _negated=condition.negated)
    return prefixed


def ranked_objects(asked: Question, *, limit: int = 20) -> list[RankedObject]:
    """Objects by their appeals received in the period, most first (repeats counted: each is a
    citizen who called about it). Two queries: the ranking, then the objects."""
    limit = max(1, min(limit, MAX_RANKED))
    links = AppealObject.objects.filter(
        appeal__received_at__gte=asked.since, appeal__received_at__lt=asked.until
    ).exclude(appeal__cancel_reason="spam")
    if asked.category_ids is not None:
        links = links.filter(appeal__category_id__in=asked.category_ids)
    rows = list(
        links.values("map_object_id")
        .annotate(
            appeals=Count("id"),
            open=Count("id", filter=_prefixed(OPEN)),
            overdue=Count("id", filter=_prefixed(OVERDUE_NOW)),
            repeats=Count("id", filter=Q(appeal__parent__isnull=False)),
        )
        .order_by("-appeals", "map_object_id")[:limit]
    )
    objects = MapObject.objects.select_related("organisation", "street").in_bulk(
        [r["map_object_id"] for r in rows]
    )
    return [
        RankedObject(
            map_object=objects[r["map_object_id"]],
            appeals=r["appeals"],
            open=r["open"],
            overdue=r["overdue"],
            repeats=r["repeats"],
        )
        for r in rows
    ]
