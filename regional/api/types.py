"""GraphQL types of the regional API. Nothing here can name an applicant: the read model has no such
data (no name, phone, IIN, address or description), and the types expose only what it has."""

from __future__ import annotations

import datetime

import graphene
from django.utils import timezone

from appeals.states import Status
from regional.api.common import labels
from regional.kpis import ALMATY, Kpis
from regional.models import AppealFact, EntryKind, Escalation, EscalationCause, EscalationState
from tenants.schema import AkimatType, registry


def local(value: datetime.datetime | None) -> datetime.datetime | None:
    return value.astimezone(ALMATY) if value is not None else None


def status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


class EscalationStateEnum(graphene.Enum):
    class Meta:
        name = "EscalationState"
        description = "Where an escalation stands in the regional queue"

    OPEN = EscalationState.OPEN.value
    ACCEPTED = EscalationState.ACCEPTED.value
    ASSIGNED_BACK = EscalationState.ASSIGNED_BACK.value
    RESOLVED = EscalationState.RESOLVED.value


class StatusCountType(graphene.ObjectType):
    class Meta:
        name = "StatusCount"

    status = graphene.String(required=True)
    label = graphene.String(required=True)
    count = graphene.Int(required=True)
    overdue = graphene.Int(required=True, description="open and marked overdue by the akimat's monitor")


class KpisType(graphene.ObjectType):
    class Meta:
        name = "Kpis"
        description = (
            "Figures of a period (days in Asia/Almaty) and of now. Received: appeals taken in (those "
            "transferred away count at the receiving akimat); answered: the latest answer (done, not "
            "done, rejected) given in the period, on time when by the deadline; time to close from "
            "intake to closing, estimated from a histogram (within 19%)."
        )

    received = graphene.Int(required=True)
    repeats = graphene.Int(required=True, description="received appeals linked to an original as repeats")
    repeat_share = graphene.Float(description="repeats / received; null when nothing was received")
    answered = graphene.Int(required=True)
    answered_on_time = graphene.Int(required=True)
    sla_compliance = graphene.Float(description="answered on time / answered; null when none was answered")
    closed = graphene.Int(required=True)
    median_hours_to_close = graphene.Float()
    p90_hours_to_close = graphene.Float()
    open_now = graphene.Int(required=True, description="appeals not yet answered, now")
    overdue_now = graphene.Int(required=True, description="open appeals past their deadline, now")
    escalated_now = graphene.Int(required=True, description="escalations the region has in work, now")
    by_status = graphene.List(graphene.NonNull(StatusCountType), required=True, description="now")

    @staticmethod
    def resolve_answered(root: Kpis, info: graphene.ResolveInfo) -> int:
        return root.resolved

    @staticmethod
    def resolve_answered_on_time(root: Kpis, info: graphene.ResolveInfo) -> int:
        return root.resolved_on_time

    @staticmethod
    def resolve_median_hours_to_close(root: Kpis, info: graphene.ResolveInfo) -> float | None:
        return root.hours_to_close(0.5)

    @staticmethod
    def resolve_p90_hours_to_close(root: Kpis, info: graphene.ResolveInfo) -> float | None:
        return root.hours_to_close(0.9)

    @staticmethod
    def resolve_by_status(root: Kpis, info: graphene.ResolveInfo) -> list[StatusCountType]:
        return [
            StatusCountType(status=status, label=status_label(status), count=count, overdue=overdue)
            for status, (count, overdue) in sorted(root.by_status.items())
            if count or overdue
        ]


class DistrictKpisType(graphene.ObjectType):
    class Meta:
        name = "DistrictKpis"

    akimat = graphene.Field(AkimatType, required=True)
    kpis = graphene.Field(KpisType, required=True)


class RegionalCategoryType(graphene.ObjectType):
    class Meta:
        name = "RegionalCategory"

    code = graphene.String(required=True, description='"" for appeals not yet classified')
    parent_code = graphene.String(required=True)
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)


def category_of(info: graphene.ResolveInfo, code: str) -> RegionalCategoryType:
    label = labels(info).get(code)
    if label is None:
        unnamed = code or "Санатсыз / Без категории"
        return RegionalCategoryType(code=code, parent_code="", name_kk=unnamed, name_ru=unnamed)
    return RegionalCategoryType(
        code=code, parent_code=label.parent, name_kk=label.name_kk, name_ru=label.name_ru
    )


class CategoryKpisType(graphene.ObjectType):
    class Meta:
        name = "CategoryKpis"

    category = graphene.Field(RegionalCategoryType, required=True)
    kpis = graphene.Field(KpisType, required=True)


class KpiPointType(graphene.ObjectType):
    class Meta:
        name = "KpiPoint"

    period_start = graphene.Date(required=True)
    period_end = graphene.Date(required=True)
    kpis = graphene.Field(KpisType, required=True)


def akimat_of(info: graphene.ResolveInfo, schema: str) -> object:
    return registry(info).by_schema.get(schema)


class RegionalAppealType(graphene.ObjectType):
    class Meta:
        name = "RegionalAppeal"
        description = "An akimat's appeal as the region sees it: its state and dates, no personal data."

    akimat = graphene.Field(AkimatType, resolver=lambda f, info: akimat_of(info, f.schema))
    number = graphene.Int(required=True, description="the appeal's number at its akimat")
    status = graphene.String(required=True)
    status_label = graphene.String(required=True, resolver=lambda f, info: status_label(f.status))
    category = graphene.Field(
        RegionalCategoryType, required=True, resolver=lambda f, info: category_of(info, f.category)
    )
    priority = graphene.String(required=True)
    received_at = graphene.DateTime(required=True, resolver=lambda f, info: local(f.received_at))
    deadline = graphene.DateTime(resolver=lambda f, info: local(f.deadline))
    overdue_since = graphene.DateTime(
        description="when the akimat's monitor marked it overdue",
        resolver=lambda f, info: local(f.overdue_at),
    )
    hours_overdue = graphene.Float(description="hours past the deadline, now")
    escalated_to_supervisor_at = graphene.DateTime(resolver=lambda f, info: local(f.escalated_at))
    regional_escalation = graphene.String(description="open, accepted, assigned_back or resolved")
    reopen_count = graphene.Int(required=True)
    repeat_count = graphene.Int(required=True)
    updated_at = graphene.DateTime(
        required=True,
        description="when the region last heard of it",
        resolver=lambda f, info: local(f.updated_at),
    )

    @staticmethod
    def resolve_hours_overdue(root: AppealFact, info: graphene.ResolveInfo) -> float | None:
        if root.deadline is None:
            return None
        return round(max(0.0, (timezone.now() - root.deadline).total_seconds() / 3600), 1)


class EscalationEntryType(graphene.ObjectType):
    class Meta:
        name = "EscalationEntry"

    kind = graphene.String(required=True)
    kind_label = graphene.String(required=True, resolver=lambda e, info: EntryKind(e.kind).label)
    comment = graphene.String(required=True)
    actor_name = graphene.String(required=True, description="regional staff, or the akimat that escalated")
    actor_role = graphene.String(required=True)
    at = graphene.DateTime(required=True, resolver=lambda e, info: local(e.at))


class EscalationType(graphene.ObjectType):
    class Meta:
        name = "Escalation"
        description = "An appeal in the regional escalation queue."

    id = graphene.Int(required=True, resolver=lambda e, info: e.pk)
    akimat = graphene.Field(AkimatType, resolver=lambda e, info: akimat_of(info, e.schema))
    appeal_number = graphene.Int(required=True)
    category = graphene.Field(
        RegionalCategoryType, required=True, resolver=lambda e, info: category_of(info, e.category)
    )
    cause = graphene.String(
        required=True, description="manual, overdue_multiple, repeated_not_done, regional_scope"
    )
    cause_label = graphene.String(required=True, resolver=lambda e, info: EscalationCause(e.cause).label)
    reason = graphene.String(required=True)
    state = graphene.Field(EscalationStateEnum, required=True, resolver=lambda e, info: str(e.state))
    state_label = graphene.String(required=True, resolver=lambda e, info: EscalationState(e.state).label)
    escalated_at = graphene.DateTime(required=True, resolver=lambda e, info: local(e.escalated_at))
    escalated_by = graphene.String(required=True, description="role at the akimat")
    updated_at = graphene.DateTime(required=True, resolver=lambda e, info: local(e.updated_at))
    allowed_decisions = graphene.List(graphene.NonNull(graphene.String), required=True)
    appeal = graphene.Field(RegionalAppealType, description="the appeal's state in the read model")
    entries = graphene.List(graphene.NonNull(EscalationEntryType), required=True)

    @staticmethod
    def resolve_allowed_decisions(root: Escalation, info: graphene.ResolveInfo) -> list[str]:
        from regional.escalations import DECISIONS

        return [name for name, (sources, _, _) in DECISIONS.items() if root.state in sources]

    @staticmethod
    def resolve_appeal(root: Escalation, info: graphene.ResolveInfo) -> AppealFact | None:
        return getattr(root, "fact", None)

    @staticmethod
    def resolve_entries(root: Escalation, info: graphene.ResolveInfo) -> list:
        return list(root.entries.all())
