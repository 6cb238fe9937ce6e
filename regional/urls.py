"""URLs of the regional console on the regional host (included by ikomek.urls_public)."""

from django.urls import path

from regional import views

app_name = "regional"

urlpatterns = [
    path("region/", views.console, name="console"),
    path("region/escalations/<int:pk>/<slug:decision>/", views.decide, name="decide"),
]
