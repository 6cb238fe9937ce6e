"""GraphQL types of the 109 service. Applicants' personal data is masked unless the caller's role
may see it; times are given in Asia/Almaty."""

from __future__ import annotations

from collections.abc import Callable

import graphene
from django.utils import timezone
from graphene import relay

from accounts.permissions import Operation, can, sees_personal_data
from accounts.personal_data import mask_iin, mask_in_text, mask_name, mask_phone
from appeals.api.cross_tenant import (
    AkimatRef,
    AppealTransferType,
    RegionalEscalationType,
    TransferOriginType,
    resolve_regional_escalation,
    resolve_transfer_proposal,
    resolve_transferred_from,
    resolve_transferred_to,
)
from appeals.api.emergency import AppealEmergencyType, TrackedEmergencyType, emergency_of
from appeals.api.enums import (
    AppealCancelReason,
    AppealChannel,
    AppealPriority,
    AppealStatus,
    ApplicantLanguage,
    ViolationState,
)
from appeals.api.errors import reach_of, require_reached, require_read
from appeals.api.fields import choice, time_field
from appeals.api.loading import appeal_queryset, selected
from appeals.models import Appeal
from appeals.rules.text import ascii_digits
from appeals.states import Status, allowed_transitions
from appeals.tracking.access_code import readable


def _sees_personal_data(info: graphene.ResolveInfo) -> bool:
    """Asked once per request, whatever the number of appeals on the page."""
    context = info.context
    cached = getattr(context, "_appeals_sees_personal_data", None)
    if cached is None:
        cached = sees_personal_data(context.principal)
        context._appeals_sees_personal_data = cached
    return cached


def free_text(attr: str) -> Callable[[object, graphene.ResolveInfo], str]:
    """A free-text field (citizens and staff write phones and IINs into them) with those masked for
    roles that do not see personal data."""

    def resolve(root: object, info: graphene.ResolveInfo) -> str:
        text = getattr(root, attr)
        return text if _sees_personal_data(info) else mask_in_text(text)

    return resolve


class GeoPoint(graphene.ObjectType):
    longitude = graphene.Float(required=True)
    latitude = graphene.Float(required=True)


class GeoPointInput(graphene.InputObjectType):
    longitude = graphene.Float(required=True)
    latitude = graphene.Float(required=True)


class CategoryType(graphene.ObjectType):
    class Meta:
        name = "Category"
        description = "A kind of appeal with its SLA policy, emergency flag and repeat rule."

    code = graphene.String(required=True)
    parent_code = graphene.String(resolver=lambda c, info: c.parent.code if c.parent_id else None)
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)
    keywords = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="the everyday words callers use for the problem, Kazakh and Russian mixed",
    )
    housing_utilities = graphene.Boolean(required=True, resolver=lambda c, info: c.is_housing_utilities)
    sla_calendar = graphene.String(required=True, description="round_the_clock or working_days (09:00-18:00)")
    sla_hours = graphene.Int(required=True, description="wall hours, or working hours on working_days")
    warn_before_hours = graphene.Int(required=True)
    default_priority = graphene.Field(AppealPriority, required=True, resolver=choice("default_priority"))
    is_emergency = graphene.Boolean(required=True)
    services_112 = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="101/102/103/104"
    )
    repeat_radius_m = graphene.Int(required=True)
    repeat_window_hours = graphene.Int(required=True)
    is_active = graphene.Boolean(required=True)


class ResponsiblePersonType(graphene.ObjectType):
    class Meta:
        name = "ResponsiblePerson"

    id = graphene.Int(required=True, resolver=lambda p, info: p.pk)
    full_name = graphene.String(required=True)
    position = graphene.String(required=True)
    phone = graphene.String(required=True)
    email = graphene.String(required=True)
    is_head = graphene.Boolean(required=True)


class OrganisationType(graphene.ObjectType):
    class Meta:
        name = "Organisation"
        description = "A responsible service: utility, management company, akimat department."

    code = graphene.String(required=True)
    kind = graphene.String(required=True)
    name_kk = graphene.String(required=True)
    name_ru = graphene.String(required=True)
    phone = graphene.String(required=True)
    email = graphene.String(required=True)
    address = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)
    people = graphene.List(graphene.NonNull(ResponsiblePersonType), required=True)

    @staticmethod
    def resolve_people(root: object, info: graphene.ResolveInfo) -> list:
        return [p for p in root.people.all() if p.is_active]


class CalendarExceptionType(graphene.ObjectType):
    class Meta:
        name = "CalendarException"

    date = graphene.Date(required=True)
    kind = graphene.String(required=True, description="day_off or working_day")
    note = graphene.String(required=True)


class AppealEventType(graphene.ObjectType):
    class Meta:
        name = "AppealEvent"
        description = "One entry of the append-only history: who did what, when, from which status to which."

    kind = graphene.String(required=True)
    transition = graphene.String(required=True)
    from_status = graphene.Field(AppealStatus, resolver=choice("from_status"))
    to_status = graphene.Field(AppealStatus, resolver=choice("to_status"))
    actor_subject = graphene.String(required=True)
    actor_name = graphene.String(required=True)
    actor_role = graphene.String(required=True)
    at = time_field("at", required=True)
    comment = graphene.String(required=True, resolver=free_text("comment"))
    data = graphene.JSONString(required=True)


class AttachmentType(graphene.ObjectType):
    class Meta:
        name = "Attachment"

    token = graphene.UUID(required=True)
    content_type = graphene.String(required=True)
    size = graphene.Int(required=True)
    original_name = graphene.String(required=True)
    uploaded_at = time_field("uploaded_at", required=True)
    url = graphene.String(required=True, resolver=lambda a, info: f"/appeals/attachments/{a.token}")


class CallbackAttemptType(graphene.ObjectType):
    class Meta:
        name = "CallbackAttempt"

    at = time_field("at", required=True)
    contact_number = graphene.Int(required=True, description="the appeal whose applicant was called")
    operator_name = graphene.String(required=True)
    reached = graphene.Boolean(required=True)
    satisfied = graphene.Boolean()
    comment = graphene.String(required=True, resolver=free_text("comment"))

    @staticmethod
    def resolve_contact_number(root: object, info: graphene.ResolveInfo) -> int:
        return root.contact.number


class ViolationEventType(graphene.ObjectType):
    class Meta:
        name = "ViolationEvent"

    from_status = graphene.Field(ViolationState, resolver=choice("from_status"))
    to_status = graphene.Field(ViolationState, required=True, resolver=choice("to_status"))
    actor_name = graphene.String(required=True)
    actor_role = graphene.String(required=True)
    at = time_field("at", required=True)
    comment = graphene.String(required=True)


class ViolationType(graphene.ObjectType):
    class Meta:
        name = "Violation"
        description = "An overdue appeal in the lawyer's register."

    id = graphene.Int(required=True, resolver=lambda v, info: v.pk)
    appeal = graphene.Field(lambda: AppealType, required=True)
    organisation = graphene.Field(OrganisationType, required=True)
    person = graphene.Field(ResponsiblePersonType)
    deadline = time_field("deadline", required=True)
    detected_at = time_field("detected_at", required=True)
    hours_overdue = graphene.Float(required=True, resolver=lambda v, info: float(v.hours_overdue))
    status = graphene.Field(ViolationState, required=True, resolver=choice("status"))
    explanation = graphene.String(required=True)
    sanction = graphene.String(required=True)
    closing_note = graphene.String(required=True)
    person_violations = graphene.Int(
        required=True, description="violations of the same person in the last 365 days, this one included"
    )
    is_repeat_offence = graphene.Boolean(required=True, resolver=lambda v, info: v.person_violations > 1)
    events = graphene.List(graphene.NonNull(ViolationEventType), required=True)

    @staticmethod
    def resolve_events(root: object, info: graphene.ResolveInfo) -> list:
        return list(root.events.all())


class AppealType(graphene.ObjectType):
    class Meta:
        name = "Appeal"
        interfaces = (relay.Node,)
        description = "One message to the 109 line, from intake to call-back."

    number = graphene.Int(required=True, description="Short number per akimat, read out on the phone")
    status = graphene.Field(AppealStatus, required=True, resolver=choice("status"))
    status_label = graphene.String(required=True, resolver=lambda a, info: Status(a.status).label)
    status_changed_at = time_field("status_changed_at", required=True)
    channel = graphene.Field(AppealChannel, required=True, resolver=choice("channel"))
    applicant_name = graphene.String(required=True)
    applicant_phone = graphene.String(required=True, description="E.164; masked without the right to see it")
    applicant_iin = graphene.String(required=True)
    applicant_language = graphene.Field(
        ApplicantLanguage, resolver=choice("applicant_language"), description="null when not said"
    )
    personal_data_masked = graphene.Boolean(required=True)
    access_code = graphene.String(
        description="the citizen's tracking code (ABCD-EFGH), to read out again; null without the "
        "right to see personal data, and for appeals older than codes"
    )
    address = graphene.String(required=True, resolver=free_text("address"))
    location = graphene.Field(GeoPoint)
    object_key = graphene.String(required=True, description="map object (building, yard) when known")
    description = graphene.String(required=True, resolver=free_text("description"))
    category = graphene.Field(CategoryType)
    priority = graphene.Field(AppealPriority, required=True, resolver=choice("priority"))
    organisation = graphene.Field(OrganisationType)
    assignee = graphene.Field(ResponsiblePersonType)
    received_at = time_field("received_at", required=True)
    registered_at = time_field("registered_at")
    assigned_at = time_field("assigned_at")
    resolved_at = time_field("resolved_at", description="done, not done or rejected")
    informed_at = time_field("informed_at")
    closed_at = time_field("closed_at")
    deadline = time_field("deadline")
    warned_at = time_field("warned_at")
    overdue_at = time_field("overdue_at")
    escalated_at = time_field("escalated_at")
    is_overdue = graphene.Boolean(
        required=True, description="answered after the deadline, or still open past it"
    )
    resolution = graphene.String(required=True, resolver=free_text("resolution"))
    cancel_reason = graphene.Field(AppealCancelReason, resolver=choice("cancel_reason"))
    repeat_of = graphene.Int(description="number of the original when this appeal was linked as a repeat")
    repeat_count = graphene.Int(required=True)
    reopen_count = graphene.Int(required=True)
    callback_reached = graphene.Boolean()
    callback_satisfied = graphene.Boolean()
    allowed_transitions = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="transitions the state machine and the caller's roles allow now",
    )
    events = graphene.List(
        graphene.NonNull(AppealEventType), required=True, description="full history, oldest first"
    )
    attachments = graphene.List(graphene.NonNull(AttachmentType), required=True)
    callback_attempts = graphene.List(graphene.NonNull(CallbackAttemptType), required=True)
    repeats = graphene.List(
        graphene.NonNull(lambda: AppealType),
        required=True,
        description="appeals linked to this one as repeats",
    )
    emergency112 = graphene.Field(
        AppealEmergencyType,
        resolver=lambda a, info: emergency_of(a),
        description="the appeal at 112, when it was forwarded",
    )
    # Across the akimat's boundary (appeals/api/cross_tenant.py).
    transfer_proposal = graphene.Field(
        AkimatRef,
        description="the akimat whose territory holds the location, when not this one (transfer proposed)",
        resolver=resolve_transfer_proposal,
    )
    transferred_to = graphene.Field(AppealTransferType, resolver=resolve_transferred_to)
    transferred_from = graphene.Field(TransferOriginType, resolver=resolve_transferred_from)
    regional_escalation = graphene.Field(RegionalEscalationType, resolver=resolve_regional_escalation)

    @classmethod
    def get_node(cls, info: graphene.ResolveInfo, id: str) -> Appeal | None:
        require_read(info, Operation.APPEAL_VIEW)
        if len(id) > 19 or not ascii_digits(id):  # not a number ("²" passes isdigit), or beyond bigint
            return None
        return require_reached(
            info, appeal_queryset(selected(info), Appeal.objects.filter(number=int(id))).first()
        )

    @classmethod
    def is_type_of(cls, root: object, info: graphene.ResolveInfo) -> bool:
        return isinstance(root, Appeal)

    @staticmethod
    def resolve_id(root: Appeal, info: graphene.ResolveInfo) -> int:
        return root.number

    @staticmethod
    def resolve_applicant_name(root: Appeal, info: graphene.ResolveInfo) -> str:
        return root.applicant_name if _sees_personal_data(info) else mask_name(root.applicant_name)

    @staticmethod
    def resolve_applicant_phone(root: Appeal, info: graphene.ResolveInfo) -> str:
        return root.applicant_phone if _sees_personal_data(info) else mask_phone(root.applicant_phone)

    @staticmethod
    def resolve_applicant_iin(root: Appeal, info: graphene.ResolveInfo) -> str:
        return root.applicant_iin if _sees_personal_data(info) else mask_iin(root.applicant_iin)

    @staticmethod
    def resolve_access_code(root: Appeal, info: graphene.ResolveInfo) -> str | None:
        # Not masked but absent: part of a code is of no use to anyone.
        return readable(root.access_code) if root.access_code and _sees_personal_data(info) else None

    @staticmethod
    def resolve_personal_data_masked(root: Appeal, info: graphene.ResolveInfo) -> bool:
        return not _sees_personal_data(info)

    @staticmethod
    def resolve_location(root: Appeal, info: graphene.ResolveInfo) -> GeoPoint | None:
        if root.location is None:
            return None
        return GeoPoint(longitude=root.location.x, latitude=root.location.y)

    @staticmethod
    def resolve_is_overdue(root: Appeal, info: graphene.ResolveInfo) -> bool:
        if root.deadline is None or root.status == Status.CANCELLED:
            return False
        return (root.resolved_at or timezone.now()) > root.deadline

    @staticmethod
    def resolve_repeat_of(root: Appeal, info: graphene.ResolveInfo) -> int | None:
        return root.parent.number if root.parent_id else None

    @staticmethod
    def resolve_allowed_transitions(root: Appeal, info: graphene.ResolveInfo) -> list[str]:
        principal = info.context.principal
        return [t.name for t in allowed_transitions(root.status) if can(principal, t.operation)]

    @staticmethod
    def resolve_events(root: Appeal, info: graphene.ResolveInfo) -> list:
        return list(root.events.all())

    @staticmethod
    def resolve_attachments(root: Appeal, info: graphene.ResolveInfo) -> list:
        return list(root.attachments.all())

    @staticmethod
    def resolve_callback_attempts(root: Appeal, info: graphene.ResolveInfo) -> list:
        return list(root.callback_attempts.all())

    @staticmethod
    def resolve_repeats(root: Appeal, info: graphene.ResolveInfo) -> list:
        # Only those the caller reaches: an executor sees its organisation's appeals, repeats too.
        reached = reach_of(info)
        return [repeat for repeat in root.repeats.all() if reached.allows(repeat)]


class TrackedAppealType(graphene.ObjectType):
    class Meta:
        name = "TrackedAppeal"
        description = (
            "What anyone may see of an appeal with its number and its access code (or the phone's "
            "last four digits)."
        )

    number = graphene.Int(required=True)
    status = graphene.Field(AppealStatus, required=True, resolver=choice("status"))
    status_label = graphene.String(required=True, resolver=lambda a, info: Status(a.status).label)
    received_at = time_field("received_at", required=True)
    deadline = time_field("deadline")
    resolved_at = time_field("resolved_at")
    closed_at = time_field("closed_at")
    emergency112 = graphene.Field(
        TrackedEmergencyType,
        resolver=lambda a, info: emergency_of(a),
        description="112's status and dates, when the appeal was forwarded to 112",
    )


class IncomingCallType(graphene.ObjectType):
    class Meta:
        name = "IncomingCall"
        description = "A call the telephone exchange reported, with the caller's earlier appeals."

    id = graphene.Int(required=True, resolver=lambda c, info: c.pk)
    phone = graphene.String(required=True)
    phone_valid = graphene.Boolean(required=True)
    line = graphene.String(required=True)
    received_at = time_field("received_at", required=True)
    earlier_appeals = graphene.List(
        graphene.NonNull(AppealType), required=True, description="the caller's latest appeals, newest first"
    )

    @staticmethod
    def resolve_earlier_appeals(root: object, info: graphene.ResolveInfo) -> list:
        return getattr(root, "earlier_appeals", [])
