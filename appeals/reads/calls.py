"""What the operator's caller-ID pop-up shows: calls the exchange reported since the page last
looked, and each caller's earlier appeals."""

from __future__ import annotations

from appeals.models import Appeal, IncomingCall

EARLIER = 5


def calls_since(after_id: int, limit: int = 3) -> list[IncomingCall]:
    """Newest first; `after_id` 0 gives nothing but the latest id (a page that just opened)."""
    return list(IncomingCall.objects.filter(id__gt=after_id).order_by("-id")[:limit])


def latest_call_id() -> int:
    return IncomingCall.objects.order_by("-id").values_list("id", flat=True).first() or 0


def earlier_appeals(phone: str, limit: int = EARLIER) -> list[Appeal]:
    if not phone:
        return []
    return list(
        Appeal.objects.filter(applicant_phone=phone)
        .select_related("category")
        .only("number", "status", "received_at", "address", "category__name_kk", "category__name_ru")
        .order_by("-received_at", "-id")[:limit]
    )
