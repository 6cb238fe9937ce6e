"""`map.ranking` (akimat -> region): the akimat's map objects with the most appeals over the last
days, the whole list each time (state, not deltas: decision 15), so the region's console ranks the
places of the whole region without reading an akimat's schema. The city map sends it
(`citymap.hotspots.publish`); the region keeps the newest per akimat (`regional.rankings`).

No personal data: objects are houses, wells and substations, their responsible organisations and
counts of appeals; no applicant, phone or description."""

from __future__ import annotations

from typing import Any

RANKING_KIND = "map.ranking"
MAX_PLACES = 50

_TEXT = {"type": "string", "maxLength": 300}
_COUNT = {"type": "integer", "minimum": 0}
PLACE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key": {"type": "string", "minLength": 1, "maxLength": 160},
        "kind": {"type": "string", "minLength": 1, "maxLength": 30},
        "kind_kk": _TEXT,
        "kind_ru": _TEXT,
        "name_kk": _TEXT,
        "name_ru": _TEXT,
        "organisation_kk": _TEXT,
        "organisation_ru": _TEXT,
        "appeals": _COUNT,
        "open": _COUNT,
        "overdue": _COUNT,
        "repeats": _COUNT,
    },
    "required": [
        "key",
        "kind",
        "kind_kk",
        "kind_ru",
        "name_kk",
        "name_ru",
        "organisation_kk",
        "organisation_ru",
        "appeals",
        "open",
        "overdue",
        "repeats",
    ],
    "additionalProperties": False,
}
RANKING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "computed_at": {"type": "string", "format": "date-time"},
        "since": {"type": "string", "format": "date-time"},
        "until": {"type": "string", "format": "date-time"},
        "places": {"type": "array", "items": PLACE_SCHEMA, "maxItems": MAX_PLACES},
    },
    "required": ["computed_at", "since", "until", "places"],
    "additionalProperties": False,
}
