"""Read side of the 109 service's GraphQL: appeals, queues, registers, catalogues, caller ID and
the public tracking of an appeal."""

from __future__ import annotations

import graphene
from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber

from accounts.permissions import Operation, sees_personal_data
from appeals.api.changes import CHANGED_SINCE, page_of_changes
from appeals.api.enums import ViolationState, value_of
from appeals.api.errors import bad_input, graphql_error, reach_of, require_reached, require_read
from appeals.api.filters import AppealFilter, AppealOrder, filtered, ordered
from appeals.api.loading import appeal_queryset, selected
from appeals.api.pagination import CountedConnection, Ordering, connection_from_page, paginate
from appeals.api.types import (
    AppealType,
    CalendarExceptionType,
    CategoryType,
    GeoPointInput,
    IncomingCallType,
    OrganisationType,
    TrackedAppealType,
    ViolationType,
)
from appeals.errors import AppealError
from appeals.models import (
    Appeal,
    CalendarException,
    Category,
    IncomingCall,
    Organisation,
    ResponsiblePerson,
    Violation,
    ViolationEvent,
)
from appeals.reads.queues import callback_queue, with_person_history
from appeals.repeats.candidates import repeat_candidates
from appeals.rules.geography import point_in_tenant
from appeals.tracking.limits import requester_of
from appeals.tracking.service import TooManyAttempts, track

EARLIER_APPEALS_PER_CALLER = 5
RECENT_CALLS_MAX = 50


class AppealConnection(CountedConnection):
    class Meta:
        node = AppealType


class ViolationConnection(CountedConnection):
    class Meta:
        node = ViolationType


def _page_of_appeals(
    info: graphene.ResolveInfo, queryset: object, ordering: Ordering, first: int | None, after: str | None
) -> AppealConnection:
    fields = selected(info, "edges", "node")
    page = paginate(appeal_queryset(fields, queryset), ordering, first, after)
    return connection_from_page(AppealConnection, page, has_previous=bool(after))


class AppealsQuery(graphene.ObjectType):
    appeal = graphene.Field(
        AppealType, number=graphene.Int(required=True), description="An appeal by its number"
    )
    appeals = graphene.Field(
        AppealConnection,
        required=True,
        first=graphene.Int(description="page size, 1-100 (default 20)"),
        after=graphene.String(),
        filter=AppealFilter(),
        order_by=AppealOrder(),
        changed_since=CHANGED_SINCE,
    )
    callback_queue = graphene.Field(
        AppealConnection,
        required=True,
        first=graphene.Int(),
        after=graphene.String(),
        description="Answered appeals waiting for the operator's call, oldest answer first",
    )
    repeat_candidates = graphene.List(
        graphene.NonNull(AppealType),
        required=True,
        category=graphene.String(required=True),
        location=GeoPointInput(),
        object_key=graphene.String(),
        exclude_number=graphene.Int(),
        description="Open appeals this one may repeat (same category, nearby or same object, recent)",
    )
    recent_incoming_calls = graphene.List(
        graphene.NonNull(IncomingCallType),
        required=True,
        limit=graphene.Int(default_value=10),
        description="Calls the exchange reported, newest first, with each caller's earlier appeals",
    )
    violations = graphene.Field(
        ViolationConnection,
        required=True,
        first=graphene.Int(),
        after=graphene.String(),
        status=graphene.List(graphene.NonNull(ViolationState)),
        person_id=graphene.Int(),
        organisation=graphene.String(),
    )
    track_appeal = graphene.Field(
        TrackedAppealType,
        number=graphene.Int(required=True),
        access_code=graphene.String(
            description="the code of the citizen's receipt (createAppeal's accessCode, ABCD-EFGH); "
            "it opens the appeal also when the phone's digits no longer do"
        ),
        phone_last4=graphene.String(description="the last 4 digits of the applicant's phone (no code)"),
        description="Public: status and dates of an appeal, given its number and its access code or "
        "the phone's last 4 digits. Null for a wrong answer and an unknown number alike. Refusals: "
        "too_many_attempts (this client, extensions.retryAfter in seconds), access_code_required "
        "(too many wrong digits for this number), invalid_access_code, invalid_phone_last4",
    )
    categories = graphene.List(
        graphene.NonNull(CategoryType), required=True, include_inactive=graphene.Boolean()
    )
    organisations = graphene.List(graphene.NonNull(OrganisationType), required=True)
    calendar_exceptions = graphene.List(graphene.NonNull(CalendarExceptionType), required=True)

    @staticmethod
    def resolve_appeal(root: None, info: graphene.ResolveInfo, number: int) -> Appeal | None:
        require_read(info, Operation.APPEAL_VIEW)
        return require_reached(
            info, appeal_queryset(selected(info), Appeal.objects.filter(number=number)).first()
        )

    @staticmethod
    def resolve_appeals(
        root: None,
        info: graphene.ResolveInfo,
        first: int | None = None,
        after: str | None = None,
        filter: AppealFilter | None = None,
        order_by: object = None,
        changed_since: str | None = None,
    ) -> AppealConnection:
        principal = require_read(info, Operation.APPEAL_VIEW)
        appeals = reach_of(info).narrow(Appeal.objects.all())  # an executor: its organisation's
        queryset = filtered(appeals, filter, sees_personal_data(principal))
        if changed_since is not None:
            feed = appeal_queryset(selected(info, "edges", "node"), queryset)
            page = page_of_changes(feed, changed_since, first, after=after, order_by=order_by)
            return connection_from_page(AppealConnection, page, has_previous=bool(changed_since))
        queryset, ordering = ordered(queryset, order_by)
        return _page_of_appeals(info, queryset, ordering, first, after)

    @staticmethod
    def resolve_callback_queue(
        root: None, info: graphene.ResolveInfo, first: int | None = None, after: str | None = None
    ) -> AppealConnection:
        require_read(info, Operation.APPEAL_CALLBACK)
        return _page_of_appeals(
            info, callback_queue(), Ordering("status_changed_at", descending=False), first, after
        )

    @staticmethod
    def resolve_repeat_candidates(
        root: None,
        info: graphene.ResolveInfo,
        category: str,
        location: GeoPointInput | None = None,
        object_key: str = "",
        exclude_number: int | None = None,
    ) -> list[Appeal]:
        require_read(info, Operation.APPEAL_VIEW)
        appeals = reach_of(info).narrow(Appeal.objects.all())
        found = Category.objects.filter(code=category).first()
        if found is None:
            raise bad_input("category", "not_found", f"{category!r}: мұндай санат жоқ / нет такой категории")
        point = None
        if location is not None:
            point, problem = point_in_tenant(location.longitude, location.latitude)
            if problem:
                raise bad_input(problem.field, problem.code, problem.message)
        exclude = (
            Appeal.objects.filter(number=exclude_number).values_list("pk", flat=True).first()
            if exclude_number
            else None
        )
        return repeat_candidates(
            found,
            point,
            object_key or "",
            exclude_id=exclude,
            appeals=appeal_queryset(selected(info), appeals),
        )

    @staticmethod
    def resolve_recent_incoming_calls(
        root: None, info: graphene.ResolveInfo, limit: int = 10
    ) -> list[IncomingCall]:
        require_read(info, Operation.APPEAL_VIEW_PERSONAL_DATA)
        if not 1 <= limit <= RECENT_CALLS_MAX:
            raise bad_input(
                "limit",
                "invalid_limit",
                f"limit: 1-{RECENT_CALLS_MAX} аралығында / от 1 до {RECENT_CALLS_MAX}",
            )
        calls = list(IncomingCall.objects.order_by("-received_at", "-id")[:limit])
        phones = {call.phone for call in calls if call.phone_valid}
        # One query for every caller's latest appeals (window function), not one per call.
        ranked = (
            appeal_queryset(
                selected(info, "earlierAppeals"),
                reach_of(info).narrow(Appeal.objects.filter(applicant_phone__in=phones)),
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("applicant_phone")],
                    order_by=[F("received_at").desc(), F("id").desc()],
                )
            )
            .filter(rank__lte=EARLIER_APPEALS_PER_CALLER)
            .order_by("-received_at", "-id")
        )
        by_phone: dict[str, list[Appeal]] = {}
        for appeal in ranked if phones else []:
            by_phone.setdefault(appeal.applicant_phone, []).append(appeal)
        for call in calls:
            call.earlier_appeals = by_phone.get(call.phone, [])
        return calls

    @staticmethod
    def resolve_violations(
        root: None,
        info: graphene.ResolveInfo,
        first: int | None = None,
        after: str | None = None,
        status: list | None = None,
        person_id: int | None = None,
        organisation: str | None = None,
    ) -> ViolationConnection:
        require_read(info, Operation.VIOLATION_VIEW)
        queryset = Violation.objects.select_related("organisation", "person").prefetch_related(
            Prefetch("events", queryset=ViolationEvent.objects.order_by("at", "id"))
        )
        appeal = selected(info, "edges", "node", "appeal")
        if appeal:
            queryset = queryset.prefetch_related(Prefetch("appeal", queryset=appeal_queryset(appeal)))
        if status:
            queryset = queryset.filter(status__in=[value_of(s) for s in status])
        if person_id is not None:
            queryset = queryset.filter(person_id=person_id)
        if organisation:
            queryset = queryset.filter(organisation__code=organisation)
        queryset = with_person_history(queryset)
        page = paginate(queryset, Ordering("detected_at", descending=True), first, after)
        return connection_from_page(ViolationConnection, page, has_previous=bool(after))

    @staticmethod
    def resolve_track_appeal(
        root: None,
        info: graphene.ResolveInfo,
        number: int,
        phone_last4: str | None = None,
        access_code: str | None = None,
    ) -> Appeal | None:
        """Unauthenticated. A wrong guess and an unknown number look the same; guesses are limited."""
        try:
            return track(
                number,
                requester_of(info.context.META),
                phone_last4=phone_last4 or "",
                code=access_code or "",
            )
        except TooManyAttempts as error:
            raise graphql_error(error, retryAfter=error.retry_after) from None
        except AppealError as error:
            raise graphql_error(error) from None

    @staticmethod
    def resolve_categories(
        root: None, info: graphene.ResolveInfo, include_inactive: bool = False
    ) -> list[Category]:
        queryset = Category.objects.select_related("parent").order_by("sort_order", "code")
        return list(queryset if include_inactive else queryset.filter(is_active=True))

    @staticmethod
    def resolve_organisations(root: None, info: graphene.ResolveInfo) -> list[Organisation]:
        require_read(info, Operation.APPEAL_VIEW)
        return list(
            Organisation.objects.filter(is_active=True).prefetch_related(
                Prefetch("people", queryset=ResponsiblePerson.objects.order_by("-is_head", "full_name"))
            )
        )

    @staticmethod
    def resolve_calendar_exceptions(root: None, info: graphene.ResolveInfo) -> list[CalendarException]:
        return list(CalendarException.objects.order_by("date"))
