"""The console language is the person's: chosen once with the switch (`accounts.language`), kept on
their staff profile, and used on every screen and device they sign in on (a cookie keeps it for
the sign-in page and for citizens)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.language import COOKIE
from apierrors.paths import is_api_request


def chosen_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = getattr(user, "staff_profile", None)  # joined with the user: no extra query
        if profile is not None and profile.language in settings.CONSOLE_LANGUAGES:
            return profile.language
    cookie = request.COOKIES.get(COOKIE, "")
    return cookie if cookie in settings.CONSOLE_LANGUAGES else None


class PersonLanguageMiddleware:
    """After authentication: the person's own choice beats the browser's Accept-Language, and a page
    is in Kazakh or Russian whatever the browser asks (English is the API's, for integrators: Django
    would otherwise give an English browser English screens)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        if language is None:
            browser = (getattr(request, "LANGUAGE_CODE", "") or "").split("-")[0]
            if browser in settings.CONSOLE_LANGUAGES:
                language = browser
            elif not is_api_request(request):
                language = settings.LANGUAGE_CODE
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
