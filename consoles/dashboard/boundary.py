"""The akimat's boundary for the map, as GeoJSON: our own data (tenants.Akimat.boundary), never
tiles from the internet. Simplified to about 20 m (a district's real outline has thousands of
vertices, more than a screen shows) and kept per process until the boundary changes."""

from __future__ import annotations

import hashlib
import json
import threading

from tenants.models import Akimat

TOLERANCE_DEGREES = 0.0002  # ≈ 20 m at 55° N

_lock = threading.Lock()
_cache: dict[str, tuple[str, dict]] = {}


def boundary_geojson(akimat: Akimat) -> dict | None:
    boundary = akimat.boundary
    if boundary is None:
        return None
    fingerprint = hashlib.blake2b(bytes(boundary.wkb), digest_size=16).hexdigest()
    cached = _cache.get(akimat.schema_name)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    simplified = boundary.simplify(TOLERANCE_DEGREES, preserve_topology=True)
    geojson = json.loads(simplified.geojson)
    with _lock:
        _cache[akimat.schema_name] = (fingerprint, geojson)
    return geojson
