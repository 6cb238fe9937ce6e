"""An akimat's boundary as GeoJSON for the pages' maps (they have no tiles: no internet needed)."""

from __future__ import annotations

import json

from django.http import JsonResponse

from tenants.models import Akimat


def boundary_response(akimat: Akimat) -> JsonResponse:
    shape = akimat.boundary
    geometry = shape.simplify(0.0005, preserve_topology=True) if shape is not None else None
    feature = {"type": "Feature", "properties": {}, "geometry": None}
    if geometry is not None:
        feature["geometry"] = json.loads(geometry.geojson)
    response = JsonResponse(feature)
    response["Cache-Control"] = "private, max-age=3600"
    return response
