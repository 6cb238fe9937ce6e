"""URLs of the 112 register on the regional host (included by ikomek.urls_public): its JSON feed and
the CAD's status callbacks. The dispatchers' pages are the consoles' (consoles.dispatch112)."""

from django.urls import path

from federation.emergency_112 import cad_views, views

app_name = "emergency_112"

urlpatterns = [
    path("112/incidents.json", views.inbox_feed, name="feed"),
    path("api/112/cad/<slug:centre_slug>/status/", cad_views.cad_status, name="cad-status"),
]
