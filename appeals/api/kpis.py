"""The akimat's own KPIs on its host (`reports.view`): the figures its dashboard shows, counted by
the rules the region's read model uses (`appeals.kpi_definitions`), so `akimatKpis` equals the
region's `regionalKpis(akimat: ...)` for this akimat. Each field costs a fixed number of SQL
statements whatever the number of appeals."""

from __future__ import annotations

import graphene

from accounts.permissions import Operation
from appeals.api.enums import value_of
from appeals.api.errors import bad_input, graphql_error, reach_of, require_read
from appeals.errors import AppealError
from appeals.models import Category, Organisation, ResponsiblePerson
from appeals.reads import kpis
from appeals.states import Status


class PeriodInput(graphene.InputObjectType):
    start = graphene.Date(description="first day (Asia/Almaty); default: 29 days before the end")
    end = graphene.Date(description="last day, included; default: today")


class Granularity(graphene.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class KpiDimension(graphene.Enum):
    ORGANISATION = kpis.Dimension.ORGANISATION.value
    CATEGORY = kpis.Dimension.CATEGORY.value
    PERSON = kpis.Dimension.PERSON.value


class AkimatStatusCountType(graphene.ObjectType):
    class Meta:
        name = "AkimatStatusCount"

    status = graphene.String(required=True)
    label = graphene.String(required=True, description="kk / ru")
    count = graphene.Int(required=True)
    overdue = graphene.Int(required=True, description="open and marked overdue by the SLA monitor")


class AkimatKpisType(graphene.ObjectType):
    class Meta:
        name = "AkimatKpis"
        description = (
            "The akimat's figures of a period (days in Asia/Almaty) and of now, by the region's rules: "
            "received (those transferred away count at the receiving akimat), repeats among them, "
            "answered (the latest answer: done, not done, rejected) in the period and on time by the "
            "deadline, closed; open, overdue and due within 24 h now."
        )

    received = graphene.Int(required=True)
    repeats = graphene.Int(required=True)
    repeat_share = graphene.Float(description="repeats / received; null when nothing was received")
    answered = graphene.Int(required=True)
    answered_on_time = graphene.Int(required=True)
    sla_compliance = graphene.Float(description="answered on time / answered; null when none was answered")
    closed = graphene.Int(required=True)
    open_now = graphene.Int(required=True)
    overdue_now = graphene.Int(required=True)
    due_soon = graphene.Int(required=True, description="open, not yet overdue, deadline within 24 h")


class AkimatKpiSummaryType(AkimatKpisType):
    class Meta:
        name = "AkimatKpiSummary"
        description = "The akimat's figures (AkimatKpis) and its appeals by status now"

    by_status = graphene.List(
        graphene.NonNull(AkimatStatusCountType),
        required=True,
        description="every appeal in scope by its status now (one more statement when asked for)",
    )

    @staticmethod
    def resolve_by_status(root: kpis.Figures, info: graphene.ResolveInfo) -> list[AkimatStatusCountType]:
        counts = kpis.status_counts(root.scope, reach_of(info, Operation.REPORTS_VIEW))  # type: ignore[attr-defined]
        return [
            AkimatStatusCountType(status=status, label=_status_label(status), count=count, overdue=overdue)
            for status, (count, overdue) in counts.items()
        ]


def _status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


class AkimatKpiPointType(graphene.ObjectType):
    class Meta:
        name = "AkimatKpiPoint"

    period_start = graphene.Date(required=True, resolver=lambda p, info: p.start)
    period_end = graphene.Date(required=True, resolver=lambda p, info: p.end)
    kpis = graphene.Field(AkimatKpisType, required=True, resolver=lambda p, info: p.figures)


class AkimatKpiRowType(graphene.ObjectType):
    class Meta:
        name = "AkimatKpiRow"
        description = "The figures of one organisation, category or responsible person"

    key = graphene.String(
        required=True, description='organisation or category code, or person id; "-" for appeals without one'
    )
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)
    organisation_name_kk = graphene.String(
        required=True, description="a person's organisation", resolver=lambda r, info: r.detail_kk
    )
    organisation_name_ru = graphene.String(required=True, resolver=lambda r, info: r.detail_ru)
    kpis = graphene.Field(AkimatKpisType, required=True, resolver=lambda r, info: r.figures)


def _period(period: PeriodInput | None) -> kpis.Period:
    try:
        return kpis.Period.of(period.start if period else None, period.end if period else None)
    except AppealError as error:
        raise graphql_error(error) from None


def _scope(category: str | None, organisation: str | None, person: str | None) -> kpis.Scope:
    """The filters, each checked against the catalogue (one statement per filter given)."""
    category, organisation, person = category or "", organisation or "", person or ""
    if category not in ("", kpis.NONE) and not Category.objects.filter(code=category).exists():
        raise bad_input("category", "unknown_category", f"«{category}»: санат жоқ / нет такой категории")
    if organisation not in ("", kpis.NONE) and not Organisation.objects.filter(code=organisation).exists():
        raise bad_input(
            "organisation", "unknown_organisation", f"«{organisation}»: ұйым жоқ / нет такой организации"
        )
    if person not in ("", kpis.NONE) and (
        not person.isdigit() or not ResponsiblePerson.objects.filter(pk=int(person)).exists()
    ):
        raise bad_input(
            "person", "unknown_person", f"«{person}»: жауапты тұлға жоқ / нет такого ответственного"
        )
    return kpis.Scope(category, organisation, person)


def _scoped(figures: kpis.Figures, scope: kpis.Scope) -> kpis.Figures:
    figures.scope = scope  # type: ignore[attr-defined]  # what byStatus counts, when asked for
    return figures


_FILTERS = {
    "category": graphene.String(description='a category code or group; "-": not classified'),
    "organisation": graphene.String(description='an organisation code; "-": not assigned'),
    "person": graphene.String(description='a responsible person\'s id; "-": nobody named'),
}


class AkimatKpiQuery(graphene.ObjectType):
    akimat_kpis = graphene.Field(
        AkimatKpiSummaryType,
        required=True,
        period=PeriodInput(),
        **_FILTERS,
        description="reports.view: this akimat's KPIs of a period (default the last 30 days) and of now",
    )
    akimat_kpi_time_series = graphene.List(
        graphene.NonNull(AkimatKpiPointType),
        required=True,
        period=PeriodInput(),
        granularity=Granularity(default_value=Granularity.DAY.value),
        **_FILTERS,
        description="reports.view: the period's figures per day, week or month (now's figures are 0)",
    )
    akimat_kpi_breakdown = graphene.List(
        graphene.NonNull(AkimatKpiRowType),
        required=True,
        by=KpiDimension(required=True),
        period=PeriodInput(),
        **_FILTERS,
        description="reports.view: the figures per organisation, category or responsible person",
    )

    @staticmethod
    def resolve_akimat_kpis(
        root: None,
        info: graphene.ResolveInfo,
        period: PeriodInput | None = None,
        category: str | None = None,
        organisation: str | None = None,
        person: str | None = None,
    ) -> kpis.Figures:
        require_read(info, Operation.REPORTS_VIEW)
        scope = _scope(category, organisation, person)
        reach = reach_of(info, Operation.REPORTS_VIEW)
        return _scoped(kpis.figures(_period(period), scope, reach), scope)

    @staticmethod
    def resolve_akimat_kpi_time_series(
        root: None,
        info: graphene.ResolveInfo,
        period: PeriodInput | None = None,
        granularity: str = "day",
        category: str | None = None,
        organisation: str | None = None,
        person: str | None = None,
    ) -> list[kpis.Point]:
        require_read(info, Operation.REPORTS_VIEW)
        scope = _scope(category, organisation, person)
        return kpis.time_series(
            _period(period), value_of(granularity), scope, reach_of(info, Operation.REPORTS_VIEW)
        )

    @staticmethod
    def resolve_akimat_kpi_breakdown(
        root: None,
        info: graphene.ResolveInfo,
        by: str,
        period: PeriodInput | None = None,
        category: str | None = None,
        organisation: str | None = None,
        person: str | None = None,
    ) -> list[kpis.Row]:
        require_read(info, Operation.REPORTS_VIEW)
        scope = _scope(category, organisation, person)
        dimension = kpis.Dimension(value_of(by))
        return kpis.breakdown(_period(period), dimension, scope, reach_of(info, Operation.REPORTS_VIEW))
