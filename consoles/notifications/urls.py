from django.urls import path

from consoles.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("counter", views.counter, name="notification-counter"),
]
