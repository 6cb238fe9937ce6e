"""Filtering and ordering of the appeals list."""

from __future__ import annotations

import datetime

import graphene
from django.contrib.gis.geos import Polygon
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Now
from django.utils.translation import gettext_lazy as _

from appeals.api.enums import AppealChannel, AppealStatus, value_of
from appeals.api.errors import bad_input, graphql_error
from appeals.api.pagination import Ordering
from appeals.errors import AppealError
from appeals.models import Appeal, Category, Organisation
from appeals.models.appeal import DEADLINE_KEY
from appeals.rules.applicants import normalise_phone
from appeals.rules.moments import storable_moment
from appeals.states import Status

PHONE_SEARCH_FORBIDDEN = _("Searching by phone needs the right to see personal data.")


class BoundingBox(graphene.InputObjectType):
    west = graphene.Float(required=True)
    south = graphene.Float(required=True)
    east = graphene.Float(required=True)
    north = graphene.Float(required=True)


class AppealFilter(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(AppealStatus), description="any of these statuses")
    category = graphene.String(description="category code; a group includes its sub-categories")
    organisation = graphene.String(description="organisation code")
    overdue = graphene.Boolean(description="true: answered late or still open past the deadline")
    received_from = graphene.DateTime(description="received at or after")
    received_to = graphene.DateTime(description="received before")
    bbox = graphene.Field(BoundingBox, description="location inside this box (WGS 84)")
    channel = graphene.List(graphene.NonNull(AppealChannel))
    phone = graphene.String(description="the applicant's phone (any format); needs personal-data rights")


class AppealOrder(graphene.Enum):
    RECEIVED_AT_DESC = "received_at_desc"
    RECEIVED_AT_ASC = "received_at_asc"
    DEADLINE_ASC = "deadline_asc"
    NUMBER_DESC = "number_desc"
    NUMBER_ASC = "number_asc"


ORDERINGS = {
    "received_at_desc": Ordering("received_at", descending=True),
    "received_at_asc": Ordering("received_at", descending=False),
    "deadline_asc": Ordering("deadline_key", descending=False),
    "number_desc": Ordering("number", descending=True, kind="int"),
    "number_asc": Ordering("number", descending=False, kind="int"),
}


def ordered(queryset: QuerySet[Appeal], order: object) -> tuple[QuerySet[Appeal], Ordering]:
    key = value_of(order) if order else "received_at_desc"
    ordering = ORDERINGS[key]
    if ordering.field == "deadline_key":
        queryset = queryset.annotate(deadline_key=DEADLINE_KEY)
    return queryset, ordering


def _category_codes(code: str) -> list[int]:
    ids = list(Category.objects.filter(Q(code=code) | Q(parent__code=code)).values_list("id", flat=True))
    if not ids:
        raise bad_input("filter.category", "not_found", f"{code!r}: мұндай санат жоқ / нет такой категории")
    return ids


def filtered(
    queryset: QuerySet[Appeal], spec: AppealFilter | None, may_see_personal_data: bool
) -> QuerySet[Appeal]:
    if not spec:
        return queryset
    if spec.status:
        queryset = queryset.filter(status__in=[value_of(s) for s in spec.status])
    if spec.category:
        queryset = queryset.filter(category_id__in=_category_codes(spec.category))
    if spec.organisation:
        organisation = (
            Organisation.objects.filter(code=spec.organisation).values_list("id", flat=True).first()
        )
        if organisation is None:
            raise bad_input(
                "filter.organisation",
                "not_found",
                f"{spec.organisation!r}: мұндай ұйым жоқ / нет такой организации",
            )
        queryset = queryset.filter(organisation_id=organisation)
    if spec.overdue is not None:
        late = Q(deadline__lt=Coalesce(F("resolved_at"), Now())) & ~Q(status=Status.CANCELLED)
        queryset = queryset.filter(late if spec.overdue else ~late | Q(deadline__isnull=True))
    if spec.received_from:
        queryset = queryset.filter(received_at__gte=_moment(spec.received_from, "filter.receivedFrom"))
    if spec.received_to:
        queryset = queryset.filter(received_at__lt=_moment(spec.received_to, "filter.receivedTo"))
    if spec.bbox:
        box = spec.bbox
        if not (-180 <= box.west < box.east <= 180 and -90 <= box.south < box.north <= 90):
            raise bad_input(
                "filter.bbox",
                "invalid_bbox",
                "батыс < шығыс, оңтүстік < солтүстік / нужно запад < восток, юг < север (градусы)",
            )
        queryset = queryset.filter(
            location__intersects=Polygon.from_bbox((box.west, box.south, box.east, box.north))
        )
    if spec.channel:
        queryset = queryset.filter(channel__in=[value_of(c) for c in spec.channel])
    if spec.phone:
        if not may_see_personal_data:
            raise bad_input("filter.phone", "forbidden", PHONE_SEARCH_FORBIDDEN)
        phone, problem = normalise_phone(spec.phone, field="filter.phone")
        if problem:
            raise bad_input(problem.field, problem.code, problem.message)
        queryset = queryset.filter(applicant_phone=phone)
    return queryset


def _moment(moment: datetime.datetime, field: str) -> datetime.datetime:
    try:
        return storable_moment(moment, field)
    except AppealError as error:
        raise graphql_error(error) from None
