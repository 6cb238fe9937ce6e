"""Identity URLs, mounted at /auth/ on every host (akimats and the region)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("callback/", views.callback, name="oidc_authentication_callback"),
    path("logout/", views.logout, name="logout"),
    path("me", views.me, name="me"),
]
