"""The akimat's ranking of places, sent to the region (`map.ranking`): the map objects with the
most appeals over the last days, so the region's console can rank places across the region
without reading the akimat's schema. Beat sends it every quarter of an hour; the demo once."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from citymap.hotspots.period import DEFAULT_DAYS, question
from citymap.hotspots.ranking import ranked_objects
from citymap.models import MapObject
from federation.hotspots.kinds import MAX_PLACES, RANKING_KIND
from federation.messaging.outbox import region, send
from tenants.sandbox import current_is_sandbox

PLACES = 20


def _halves(label: str) -> tuple[str, str]:
    kk, _, ru = str(label).partition(" / ")
    return kk, ru or kk


def _name(obj: MapObject, language: str) -> str:
    if obj.kind == "building":
        return getattr(obj, f"address_{language}") or getattr(obj, f"name_{language}")
    return getattr(obj, f"name_{language}") or obj.external_id


def ranking_payload(days: int = DEFAULT_DAYS, places: int = PLACES) -> dict[str, Any]:
    until = timezone.now()
    since = until - datetime.timedelta(days=days)
    rows = []
    for ranked in ranked_objects(question("", since, until), limit=min(places, MAX_PLACES)):
        obj = ranked.map_object
        kind_kk, kind_ru = _halves(obj.get_kind_display())
        rows.append(
            {
                "key": f"{obj.kind}:{obj.external_id}",
                "kind": obj.kind,
                "kind_kk": kind_kk,
                "kind_ru": kind_ru,
                "name_kk": _name(obj, "kk"),
                "name_ru": _name(obj, "ru"),
                "organisation_kk": obj.organisation.name_kk,
                "organisation_ru": obj.organisation.name_ru,
                "appeals": ranked.appeals,
                "open": ranked.open,
                "overdue": ranked.overdue,
                "repeats": ranked.repeats,
            }
        )
    return {
        "computed_at": until.isoformat(),
        "since": since.isoformat(),
        "until": until.isoformat(),
        "places": rows,
    }


def publish_ranking() -> uuid.UUID | None:
    """Counts and queues the report in one transaction (it leaves when the relay runs); the
    sandbox's places are in no region ranking (decision 79)."""
    if current_is_sandbox():
        return None
    with transaction.atomic():
        return send(RANKING_KIND, ranking_payload(), target=region(), ordering_key="map:ranking")
