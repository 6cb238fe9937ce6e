from django.urls import path

from consoles.dispatch112 import views

urlpatterns = [
    path("112/", views.inbox_page, name="dispatch112"),
    path("112/rows", views.inbox_rows, name="dispatch112-rows"),
    path("112/incidents/<int:pk>/<slug:step>/", views.incident_step, name="dispatch112-step"),
]
