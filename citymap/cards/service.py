"""The card of one map object: who answers for it, what serves it, its appeals (open, overdue,
repeated), its outages now and its accidents before, its planned and done works.

Six queries whatever the object holds (`tests/citymap/test_object_card.py`): the object with its
street, organisations and person; the appeals' figures; the open and repeated appeals; the outages;
the works; the objects that serve it. An executor sees the appeals of their own organisation only
(appeals.rules.access: one more query to know it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Operation
from accounts.principal import Principal
from appeals.errors import AppealError
from appeals.kpi_definitions import OPEN, OVERDUE_NOW, is_open
from appeals.models import Appeal
from appeals.rules.access import reach
from citymap.access import authorise
from citymap.errors import CityMapError, Problem
from citymap.models import AppealObject, MapObject, ObjectWork, Outage, OutageNature, ServiceLink
from citymap.outages.reads import with_counts

APPEALS_SHOWN = 30
OUTAGES_SHOWN = 20
WORKS_SHOWN = 20
NO_OBJECT = _("There is no such object on the map.")


@dataclass
class AppealFigures:
    total: int = 0
    open: int = 0
    overdue: int = 0
    repeated: int = 0  # appeals others repeated (the same trouble reported again)


@dataclass
class ObjectCard:
    map_object: MapObject
    figures: AppealFigures
    open_appeals: list[Appeal]
    repeated_appeals: list[Appeal]
    outages_now: list[Outage]
    accidents: list[Outage]
    planned_works: list[ObjectWork]
    done_works: list[ObjectWork]
    suppliers: list[MapObject] = field(default_factory=list)

    @property
    def consumers(self) -> int:
        return self.map_object.consumers


def object_card(actor: Principal, object_id: int) -> ObjectCard:
    authorise(actor, Operation.APPEAL_VIEW)
    try:
        scope = reach(actor, Operation.APPEAL_VIEW)
    except AppealError as error:
        raise CityMapError(*(Problem(p.field, p.code, p.message) for p in error.problems)) from None
    consumers = (
        ServiceLink.objects.filter(supplier=OuterRef("pk"))
        .order_by()
        .values("supplier")
        .annotate(n=Count("id"))
    )
    map_object = (
        MapObject.objects.select_related("street", "organisation", "person", "management_company")
        .annotate(consumers=Coalesce(Subquery(consumers.values("n"), output_field=IntegerField()), Value(0)))
        .filter(pk=object_id)
        .first()
    )
    if map_object is None:
        raise CityMapError.of("id", "not_found", NO_OBJECT)
    linked = scope.narrow(
        Appeal.objects.filter(pk__in=AppealObject.objects.filter(map_object=map_object).values("appeal_id"))
    )
    figures = AppealFigures(
        **linked.aggregate(
            total=Count("id"),
            open=Count("id", filter=OPEN),
            overdue=Count("id", filter=OVERDUE_NOW),
            repeated=Count("id", filter=Q(repeat_count__gt=0)),
        )
    )
    shown = list(
        linked.filter(OPEN | Q(repeat_count__gt=0))
        .select_related("category", "organisation", "assignee")
        .order_by("-received_at", "-id")[:APPEALS_SHOWN]
    )
    touching = Outage.objects.filter(Q(buildings__building=map_object) | Q(source_object=map_object)).filter(
        Q(ended_at__isnull=True) | Q(nature=OutageNature.EMERGENCY)
    )
    outages = list(
        with_counts(Outage.objects.filter(pk__in=touching.values("id")))
        .select_related("organisation", "source_object", "lead_appeal", "category")
        .order_by("-starts_at", "-id")[:OUTAGES_SHOWN]
    )
    works = list(
        ObjectWork.objects.filter(map_object=map_object).select_related("organisation")[:WORKS_SHOWN]
    )
    suppliers = list(
        MapObject.objects.filter(served_links__consumer=map_object)
        .select_related("organisation")
        .order_by("kind", "external_id")
    )
    return ObjectCard(
        map_object=map_object,
        figures=figures,
        open_appeals=[a for a in shown if is_open(a.status)],
        repeated_appeals=[a for a in shown if a.repeat_count > 0],
        outages_now=[o for o in outages if o.ended_at is None],
        accidents=[o for o in outages if o.nature == OutageNature.EMERGENCY],
        planned_works=[w for w in works if w.status != "done"],
        done_works=[w for w in works if w.status == "done"],
        suppliers=suppliers,
    )
