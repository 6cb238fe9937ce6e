from django.urls import path

from consoles.lawyer import views

urlpatterns = [
    path("violations/", views.violations, name="violations"),
    path("violations/<int:violation_id>/", views.violation_page, name="violation"),
    path("violations/<int:violation_id>/act", views.act, name="violation_act"),
    path("violations/<int:violation_id>/<slug:step_name>", views.take_step, name="violation_step"),
    path("violations/people/<int:person_id>/", views.person_year, name="person_year"),
]
