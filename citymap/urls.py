"""The map's HTTP endpoints on each akimat's host (its GraphQL is assembled in ikomek.schema)."""

from django.urls import path

from citymap.hotspots.views import hotspot_tile_view

app_name = "citymap"
urlpatterns = [
    path("map/hotspots/<int:z>/<int:x>/<int:y>.mvt", hotspot_tile_view, name="hotspot-tile"),
]
