"""What of an akimat's appeals anyone may see (Open311's requests, the public figures page's queue;
decisions 101 and 102): appeals of non-emergency categories (or none yet) that are open or resolved,
never those cancelled (spam, duplicates), forwarded to 112 or transferred to another akimat. Never
the applicant; a description and an address only once a 109 operator registered the appeal (a
person read them), with phones and IINs written into them masked and the address without its flat."""

from __future__ import annotations

from typing import Any

from django.db.models import F, FloatField, Func, Q, QuerySet

from accounts.personal_data import building_of, mask_in_text
from appeals.models import Appeal
from appeals.states import PUBLIC_CLOSED_STATUSES, PUBLIC_OPEN_STATUSES

OPEN = frozenset(PUBLIC_OPEN_STATUSES)
CLOSED = PUBLIC_CLOSED_STATUSES
FIELDS = (
    "number",
    "status",
    "status_changed_at",
    "received_at",
    "registered_at",
    "deadline",
    "overdue_at",
    "description",
    "resolution",
    "address",
    "object_key",
    "location",
    "category__code",
    "category__name_kk",
    "category__name_ru",
    "organisation__name_kk",
    "organisation__name_ru",
)


def public_appeals() -> QuerySet[Appeal]:
    """Every public appeal, with its category and organisation, only the public columns loaded."""
    return (
        Appeal.objects.filter(status__in=OPEN | CLOSED)
        .filter(Q(category__isnull=True) | Q(category__is_emergency=False))
        .select_related("category", "organisation")
        .only(*FIELDS)
    )


def shown_description(description: str, registered_at: object) -> str:
    return mask_in_text(description) if registered_at else ""


def shown_address(address: str, registered_at: object) -> str:
    return building_of(address) if registered_at else ""


def shown_resolution(resolution: str, status: str) -> str:
    return mask_in_text(resolution) if status in CLOSED else ""


# The public columns as plain values (a list of a thousand needs no model instances), the point as
# its two coordinates.
ROW_COLUMNS = tuple(name for name in FIELDS if name != "location")


def public_rows(found: QuerySet[Appeal]) -> QuerySet[Appeal, dict[str, Any]]:
    """`found` (from `public_appeals()`, filtered) as dicts of the public columns with `longitude`
    and `latitude` (None without a point); the caller orders and slices."""
    return found.annotate(
        longitude=Func(F("location"), function="ST_X", output_field=FloatField()),
        latitude=Func(F("location"), function="ST_Y", output_field=FloatField()),
    ).values(*ROW_COLUMNS, "longitude", "latitude")


def open_queue(limit: int = 30) -> list[Appeal]:
    """The newest public appeals still being worked (the public queue), each with `shown_address`."""
    queue = list(public_appeals().filter(status__in=OPEN).order_by("-received_at", "-id")[:limit])
    for appeal in queue:
        appeal.shown_address = shown_address(appeal.address, appeal.registered_at)
    return queue
