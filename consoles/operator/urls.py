from django.urls import path

from consoles.operator import views

urlpatterns = [
    path("queues/", views.queues, name="queues"),
    path("intake/", views.intake, name="intake"),
    path("appeals/<int:number>/", views.appeal_page, name="appeal"),
    path("appeals/<int:number>/<slug:transition>", views.take_step, name="step"),
]
