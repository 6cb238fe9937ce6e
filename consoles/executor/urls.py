from django.urls import path

from consoles.executor import views

urlpatterns = [
    path("", views.assignment_list, name="executor"),
    path("appeals/<int:number>/", views.appeal_page, name="executor-appeal"),
    path("appeals/<int:number>/start", views.start, name="executor-start"),
    path("appeals/<int:number>/finish", views.finish, name="executor-finish"),
    path("appeals/<int:number>/photos", views.photo, name="executor-photos"),
]
