"""Identity URLs, mounted at /auth/ on every host (akimats and the region).

The names are mozilla-django-oidc's: its views and SessionRefresh reverse them.
"""

from django.urls import path

from accounts import language, views

urlpatterns = [
    path("login/", views.login, name="oidc_authentication_init"),
    path("callback/", views.callback, name="oidc_authentication_callback"),
    path("logout/", views.logout, name="oidc_logout"),
    path("me", views.me, name="me"),
    path("language", language.switch_language, name="auth_language"),
    path("refused/", views.refused, name="auth_refused"),
]
