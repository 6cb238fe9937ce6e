"""An executor's work list: the appeals assigned to their organisation that wait for them (assigned)
or that they are doing (in progress), the nearest deadline first; one query with what a row shows."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from appeals.models import Appeal
from appeals.models.appeal import DEADLINE_KEY
from appeals.rules.access import Reach
from appeals.states import Status

PAGE = 50
WAITING = (Status.ASSIGNED, Status.IN_PROGRESS)


def assignments(reach: Reach) -> QuerySet[Appeal]:
    rows = Appeal.objects.filter(status__in=WAITING).select_related("category")
    return (
        reach.narrow(rows).defer("description", "location", "resolution").order_by(DEADLINE_KEY.asc(), "id")
    )


def counts(reach: Reach) -> dict[str, int]:
    """How many are waiting and how many in progress (one query)."""
    return reach.narrow(Appeal.objects.filter(status__in=WAITING)).aggregate(
        assigned=Count("id", filter=Q(status=Status.ASSIGNED)),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
    )
