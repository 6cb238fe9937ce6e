"""What the federation layer is doing right now: counts by state, ages, timings, dead letters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone

from federation.messaging.deadletters import dead_letters
from federation.messaging.models import Message, MessageState


def summary(*, window: timedelta = timedelta(hours=1), dead_limit: int = 20) -> dict[str, Any]:
    now = timezone.now()
    by_state = dict.fromkeys(MessageState.values, 0)
    by_state.update(
        {row["state"]: row["n"] for row in Message.objects.values("state").annotate(n=Count("id"))}
    )
    by_kind: dict[str, dict[str, int]] = {}
    for row in Message.objects.values("kind", "state").annotate(n=Count("id")).order_by("kind"):
        by_kind.setdefault(row["kind"], dict.fromkeys(MessageState.values, 0))[row["state"]] = row["n"]
    oldest_open = Message.objects.filter(
        state__in=(MessageState.PENDING, MessageState.RETRYING, MessageState.DELIVERING)
    ).aggregate(at=Min("created_at"))["at"]
    return {
        "at": now.isoformat(),
        "states": by_state,
        "kinds": by_kind,
        "due_now": Message.objects.filter(
            state__in=(MessageState.PENDING, MessageState.RETRYING), next_attempt_at__lte=now
        ).count(),
        "oldest_open_seconds": round((now - oldest_open).total_seconds(), 1) if oldest_open else None,
        "window_seconds": int(window.total_seconds()),
        "delivered_in_window": _timings(now - window),
        "dead_letters": [
            {
                "id": str(m.pk),
                "kind": m.kind,
                "source": m.source_schema,
                "target": m.target_schema,
                "ordering_key": m.ordering_key,
                "sequence": m.sequence,
                "attempts": m.attempts,
                "replays": m.replays,
                "created_at": m.created_at.isoformat(),
                "dead_at": m.dead_at.isoformat() if m.dead_at else None,
                "error": m.last_error,
            }
            for m in dead_letters()[:dead_limit]
        ],
    }


def _timings(since: object) -> dict[str, Any]:
    """Commit-to-acknowledgement latency and handler time of messages delivered since `since`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at)), "
            "percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at)), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY handler_ms), "
            "avg(attempts), max(attempts), count(*) FILTER (WHERE outcome = 'superseded') "
            "FROM public.federation_message WHERE state = 'delivered' AND delivered_at >= %s",
            [since],
        )
        count, p50, p99, handler_p50, avg_attempts, max_attempts, superseded = cursor.fetchone()

    def ms(seconds: float | None) -> float | None:
        return round(float(seconds) * 1000, 1) if seconds is not None else None

    return {
        "count": count,
        "superseded": superseded,  # closed without being sent: a newer state of their key was
        "latency_p50_ms": ms(p50),
        "latency_p99_ms": ms(p99),
        "handler_p50_ms": round(handler_p50, 2) if handler_p50 is not None else None,
        "attempts_avg": round(float(avg_attempts), 2) if avg_attempts is not None else None,
        "attempts_max": max_attempts,
    }
