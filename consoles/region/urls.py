from django.urls import path

from consoles.region import views

urlpatterns = [
    path("region/", views.console, name="region"),
    path("region/escalations/<int:pk>/<slug:decision>/", views.decide, name="region-decide"),
]
