"""The operator's work lists: new, registered, overdue, due within 24 h, and search by number,
phone or address. Each is one query with the rows a list shows (category, organisation)."""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone

from appeals.models import Appeal, EmergencyForward
from appeals.models.emergency import EmergencyStatus
from appeals.rules.applicants import normalise_phone
from appeals.states import ACTIVE_STATUSES, Status

DUE_SOON = datetime.timedelta(hours=24)
PAGE = 50


class Worklist(StrEnum):
    NEW = "new"
    REGISTERED = "registered"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"


def _returned_by_112() -> Exists:
    return Exists(EmergencyForward.objects.filter(appeal=OuterRef("pk"), status=EmergencyStatus.REJECTED))


def _awaits_112() -> Q:
    """An emergency nobody has sent on to 112 yet (an integrator's, a citizen's): waiting for a
    person to confirm the forward. One 112 sent back as no emergency waits to be classified instead."""
    return Q(category__is_emergency=True, status=Status.RECEIVED) & ~Q(_returned_by_112())


def _rows() -> QuerySet[Appeal]:
    return (
        Appeal.objects.select_related("category", "organisation")
        .defer("description", "location", "resolution")
        .annotate(
            awaits_112=ExpressionWrapper(_awaits_112(), output_field=BooleanField()),
            returned_by_112=ExpressionWrapper(
                Q(status=Status.RECEIVED) & Q(_returned_by_112()), output_field=BooleanField()
            ),
        )
    )


def worklist(kind: Worklist, now: datetime.datetime | None = None) -> QuerySet[Appeal]:
    now = now or timezone.now()
    rows = _rows()
    if kind is Worklist.NEW:
        # An emergency still here waits for a person to send it on to 112 (an integrator's): first.
        return rows.filter(status=Status.RECEIVED).order_by(F("awaits_112").desc(), "received_at", "id")
    if kind is Worklist.REGISTERED:
        return rows.filter(status=Status.REGISTERED).order_by("received_at", "id")
    if kind is Worklist.OVERDUE:
        return rows.filter(status__in=ACTIVE_STATUSES, overdue_at__isnull=False).order_by("deadline", "id")
    return rows.filter(
        status__in=ACTIVE_STATUSES, overdue_at__isnull=True, deadline__lte=now + DUE_SOON
    ).order_by("deadline", "id")


def counts(now: datetime.datetime | None = None) -> dict[Worklist, int]:
    """How many appeals each list holds (one query). Every list holds open appeals only: counted
    over those (the index of open appeals), not over the years of closed ones."""
    now = now or timezone.now()
    active = Q(status__in=ACTIVE_STATUSES)
    totals = Appeal.objects.filter(active).aggregate(
        new=Count("id", filter=Q(status=Status.RECEIVED)),
        registered=Count("id", filter=Q(status=Status.REGISTERED)),
        overdue=Count("id", filter=active & Q(overdue_at__isnull=False)),
        due_soon=Count("id", filter=active & Q(overdue_at__isnull=True, deadline__lte=now + DUE_SOON)),
    )
    return {Worklist(name): value for name, value in totals.items()}


def search(text: str) -> QuerySet[Appeal]:
    """By number (digits alone), by phone (any common form), or by address words."""
    text = " ".join(text.split())[:200]
    if not text:
        return _rows().none()
    rows = _rows().order_by("-received_at", "-id")
    if text.isascii() and text.lstrip("№#").isdigit() and len(text.lstrip("№#")) <= 12:
        number = int(text.lstrip("№#"))
        phone, problem = normalise_phone(text)
        query = Q(number=number)
        if problem is None and phone:
            query |= Q(applicant_phone=phone)
        return rows.filter(query)
    phone, problem = normalise_phone(text)
    if problem is None and phone:
        return rows.filter(applicant_phone=phone)
    return rows.filter(address__icontains=text)
