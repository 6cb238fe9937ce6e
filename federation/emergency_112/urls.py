"""URLs of the 112 register on the regional host (included by ikomek.urls_public)."""

from django.urls import path

from federation.emergency_112 import cad_views, views

app_name = "emergency_112"

urlpatterns = [
    path("112/", views.inbox_page, name="inbox"),
    path("112/incidents.json", views.inbox_feed, name="feed"),
    path("112/incidents/<int:pk>/<slug:step>/", views.incident_step, name="step"),
    path("api/112/cad/<slug:centre_slug>/status/", cad_views.cad_status, name="cad-status"),
]
