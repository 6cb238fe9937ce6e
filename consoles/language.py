"""The console language is the person's: chosen once with the switch, kept on their staff profile,
and used on every screen and device they sign in on (a cookie keeps it for the sign-in page)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import StaffProfile

COOKIE = settings.LANGUAGE_COOKIE_NAME


def chosen_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = getattr(user, "staff_profile", None)  # joined with the user: no extra query
        if profile is not None and profile.language in settings.CONSOLE_LANGUAGES:
            return profile.language
    cookie = request.COOKIES.get(COOKIE, "")
    return cookie if cookie in settings.CONSOLE_LANGUAGES else None


class PersonLanguageMiddleware:
    """After authentication: the person's own choice beats the browser's Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        if language is None:
            browser = (getattr(request, "LANGUAGE_CODE", "") or "").split("-")[0]
            language = browser if browser in settings.CONSOLE_LANGUAGES else None
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in settings.CONSOLE_LANGUAGES:
        return response
    if request.user.is_authenticated:
        StaffProfile.objects.update_or_create(user=request.user, defaults={"language": language})
    response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure())
    return response
