"""Read side of the regional API. Each field costs a fixed number of SQL statements whatever the
number of akimats or appeals (asserted in tests/regional), and none reads an akimat's schema."""

from __future__ import annotations

import graphene
from django.db.models import Prefetch, Q
from graphene import relay

from appeals.states import ACTIVE_STATUSES
from regional import kpis
from regional.api.common import (
    as_input_error,
    decode_cursor,
    encode_cursor,
    page_size,
    registry,
    require,
    schema_of,
    selected,
)
from regional.api.types import (
    CategoryKpisType,
    DistrictKpisType,
    EscalationStateEnum,
    EscalationType,
    KpiPointType,
    KpisType,
    RegionalAppealType,
    category_of,
)
from regional.console import attach_facts
from regional.errors import RegionalError
from regional.models import ALL, AppealFact, Escalation, EscalationEntry


class PeriodInput(graphene.InputObjectType):
    start = graphene.Date(description="first day (Asia/Almaty); default: 29 days before the end")
    end = graphene.Date(description="last day, included; default: today")


class Granularity(graphene.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def _period(period: PeriodInput | None) -> kpis.Period:
    try:
        return kpis.Period.of(period.start if period else None, period.end if period else None)
    except RegionalError as error:
        raise as_input_error(error) from None


class RegionalAppealConnection(relay.Connection):
    class Meta:
        node = RegionalAppealType


class EscalationConnection(relay.Connection):
    class Meta:
        node = EscalationType


def _connection(
    connection_type: type, rows: list, size: int, key: str, after: str | None
) -> relay.Connection:
    page = rows[:size]
    edges = [connection_type.Edge(node=row, cursor=encode_cursor(getattr(row, key), row.pk)) for row in page]
    return connection_type(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > size,
            has_previous_page=bool(after),
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


class RegionalReadModelQuery(graphene.ObjectType):
    regional_kpis = graphene.Field(
        KpisType,
        required=True,
        period=PeriodInput(),
        category=graphene.String(description="a category code or group; all when omitted"),
        akimat=graphene.String(description="one akimat's slug; the whole region when omitted"),
        description="Consolidated KPIs of the region (or of one akimat)",
    )
    district_comparison = graphene.List(
        graphene.NonNull(DistrictKpisType),
        required=True,
        period=PeriodInput(),
        category=graphene.String(),
        description="The same KPIs for every active akimat side by side",
    )
    category_breakdown = graphene.List(
        graphene.NonNull(CategoryKpisType),
        required=True,
        period=PeriodInput(),
        akimat=graphene.String(),
        description="KPIs per category, of the region or of one akimat",
    )
    kpi_time_series = graphene.List(
        graphene.NonNull(KpiPointType),
        required=True,
        period=PeriodInput(),
        granularity=Granularity(default_value=Granularity.DAY.value),
        category=graphene.String(),
        akimat=graphene.String(),
        description="KPIs per day, week or month of the period",
    )
    overdue_appeals = graphene.Field(
        RegionalAppealConnection,
        required=True,
        first=graphene.Int(description="1-100, default 20"),
        after=graphene.String(),
        akimat=graphene.String(),
        category=graphene.String(),
        description="Open appeals past their deadline, most overdue first (no personal data)",
    )
    escalations = graphene.Field(
        EscalationConnection,
        required=True,
        first=graphene.Int(),
        after=graphene.String(),
        state=graphene.List(graphene.NonNull(EscalationStateEnum), description="default: open and accepted"),
        akimat=graphene.String(),
        description="The regional escalation queue, newest first",
    )
    escalation = graphene.Field(EscalationType, id=graphene.Int(required=True))

    @staticmethod
    def resolve_regional_kpis(
        root: None,
        info: graphene.ResolveInfo,
        period: PeriodInput | None = None,
        category: str | None = None,
        akimat: str | None = None,
    ) -> kpis.Kpis:
        require(info)
        scope = schema_of(info, akimat) or ALL
        return kpis.kpis_by_scope([scope], category, _period(period))[scope]

    @staticmethod
    def resolve_district_comparison(
        root: None, info: graphene.ResolveInfo, period: PeriodInput | None = None, category: str | None = None
    ) -> list[DistrictKpisType]:
        require(info)
        akimats = sorted(
            (a for a in registry(info).by_schema.values() if a.is_active and not a.is_sandbox),
            key=lambda a: a.kato,
        )
        by_scope = kpis.kpis_by_scope([a.schema_name for a in akimats], category, _period(period))
        return [DistrictKpisType(akimat=a, kpis=by_scope[a.schema_name]) for a in akimats]

    @staticmethod
    def resolve_category_breakdown(
        root: None, info: graphene.ResolveInfo, period: PeriodInput | None = None, akimat: str | None = None
    ) -> list[CategoryKpisType]:
        require(info)
        by_category = kpis.category_kpis(schema_of(info, akimat) or ALL, _period(period))
        return [
            CategoryKpisType(category=category_of(info, code), kpis=value)
            for code, value in sorted(by_category.items())
        ]

    @staticmethod
    def resolve_kpi_time_series(
        root: None,
        info: graphene.ResolveInfo,
        period: PeriodInput | None = None,
        granularity: str = "day",
        category: str | None = None,
        akimat: str | None = None,
    ) -> list[KpiPointType]:
        require(info)
        scope = schema_of(info, akimat) or ALL
        try:
            points = kpis.time_series(
                scope, category, _period(period), getattr(granularity, "value", granularity)
            )
        except RegionalError as error:
            raise as_input_error(error) from None
        return [KpiPointType(period_start=p.start, period_end=p.end, kpis=p.kpis) for p in points]

    @staticmethod
    def resolve_overdue_appeals(
        root: None,
        info: graphene.ResolveInfo,
        first: int | None = None,
        after: str | None = None,
        akimat: str | None = None,
        category: str | None = None,
    ) -> RegionalAppealConnection:
        require(info)
        size = page_size(first)
        facts = AppealFact.objects.filter(status__in=sorted(ACTIVE_STATUSES), overdue_at__isnull=False)
        schema = schema_of(info, akimat)
        if schema:
            facts = facts.filter(schema=schema)
        if category:
            facts = facts.filter(category__in=kpis.categories_of(category))
        if after:
            deadline, pk = decode_cursor(after)
            facts = facts.filter(Q(deadline__gt=deadline) | Q(deadline=deadline, pk__gt=pk))
        rows = list(facts.order_by("deadline", "id")[: size + 1])
        return _connection(RegionalAppealConnection, rows, size, "deadline", after)

    @staticmethod
    def resolve_escalations(
        root: None,
        info: graphene.ResolveInfo,
        first: int | None = None,
        after: str | None = None,
        state: list[str] | None = None,
        akimat: str | None = None,
    ) -> EscalationConnection:
        require(info)
        size = page_size(first)
        states = [getattr(s, "value", s) for s in state] if state else list(kpis.IN_WORK)
        queue = Escalation.objects.filter(state__in=states)
        schema = schema_of(info, akimat)
        if schema:
            queue = queue.filter(schema=schema)
        if after:
            at, pk = decode_cursor(after)
            queue = queue.filter(Q(escalated_at__lt=at) | Q(escalated_at=at, pk__lt=pk))
        fields = selected(info, "edges", "node")
        if "entries" in fields:
            queue = queue.prefetch_related(
                Prefetch("entries", queryset=EscalationEntry.objects.order_by("at", "id"))
            )
        rows = list(queue.order_by("-escalated_at", "-id")[: size + 1])
        if "appeal" in fields:
            attach_facts(rows[:size])
        return _connection(EscalationConnection, rows, size, "escalated_at", after)

    @staticmethod
    def resolve_escalation(root: None, info: graphene.ResolveInfo, id: int) -> Escalation | None:
        require(info)
        escalation = Escalation.objects.filter(pk=id).first()
        if escalation is not None:
            attach_facts([escalation])
        return escalation
