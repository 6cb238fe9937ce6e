"""Login, logout and "who am I" on every host; Keycloak when configured, local users otherwise."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCLogoutView

from accounts.oidc import CallbackView, LoginView
from accounts.permissions import Operation, can, sees_personal_data
from accounts.refusals import SESSION_KEY, show_refusal


def login(request: HttpRequest) -> HttpResponse:
    if settings.LOCAL_IDENTITY:
        return auth_views.LoginView.as_view(template_name="accounts/local_login.html")(request)
    return LoginView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    if settings.LOCAL_IDENTITY:
        raise Http404("no identity provider is configured")
    return CallbackView.as_view()(request)


def logout(request: HttpRequest) -> HttpResponse:
    if settings.LOCAL_IDENTITY:
        return auth_views.LogoutView.as_view()(request)
    return OIDCLogoutView.as_view()(request)


@require_GET
def refused(request: HttpRequest) -> HttpResponse:
    """The last refused login of this browser again (after a language switch); else the start page."""
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("code"), str):
        return HttpResponseRedirect("/")
    own = [slug for slug in stored.get("own") or [] if isinstance(slug, str)]
    return show_refusal(request, stored["code"], own, int(stored.get("status", 403)))


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the same login as the console (no password form with Keycloak)."""
    if settings.LOCAL_IDENTITY:
        return admin.site.login(request)
    next_url = request.GET.get("next", "/admin/")
    return HttpResponseRedirect(f"/auth/login/?{urlencode({'next': next_url})}")


@require_GET
def me(request: HttpRequest) -> JsonResponse:
    """Who the request is acting as: for integrators checking their token, and for the console."""
    principal = request.principal
    if not principal.is_authenticated:
        response = JsonResponse(
            {"error": "not_authenticated", "message": "sign in or send a bearer token"}, status=401
        )
        response["WWW-Authenticate"] = f'Bearer realm="{settings.KEYCLOAK_REALM}"'
        return response
    operations = sorted(operation.value for operation in Operation if can(principal, operation))
    return JsonResponse(
        {
            "subject": principal.subject,
            "issuer": principal.issuer,
            "username": principal.username,
            "display_name": principal.display_name,
            "kind": principal.kind,
            "tenant": principal.tenant,
            "organisation": principal.organisation,
            "roles": sorted(role.value for role in principal.roles),
            "operations": operations,
            "sees_personal_data": sees_personal_data(principal),
        }
    )
