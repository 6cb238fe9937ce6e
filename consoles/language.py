"""The console language is the person's: chosen once with the switch (`accounts.language`), kept on
their staff profile, and used on every screen and device they sign in on (a cookie keeps it for
the sign-in page and for citizens).

A cookie belongs to one host, and each akimat has its own: a link from one host to another carries
the screen's language as `?lang=` (`linked_url`), which the next host takes and keeps in its own
cookie, so a citizen who reads the region's page in Kazakh reaches the akimat's in Kazakh too."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from accounts.language import COOKIE, COOKIE_SECONDS
from apierrors.paths import is_api_request

LINKED = "lang"  # the query parameter of a link from another host


def profile_language(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = getattr(user, "staff_profile", None)  # joined with the user: no extra query
        if profile is not None and profile.language in settings.CONSOLE_LANGUAGES:
            return profile.language
    return None


def linked_language(request: HttpRequest) -> str | None:
    """The language a link from another host carried (`?lang=`), when it is one of the screens'."""
    if request.method != "GET" or is_api_request(request) or LINKED not in request.GET:
        return None
    language = request.GET.get(LINKED, "")
    return language if language in settings.CONSOLE_LANGUAGES else None


def chosen_language(request: HttpRequest) -> str | None:
    """The person's own choice, else a link's, else this host's cookie."""
    cookie = request.COOKIES.get(COOKIE, "")
    return (
        profile_language(request)
        or linked_language(request)
        or (cookie if cookie in settings.CONSOLE_LANGUAGES else None)
    )


def linked_url(url: str) -> str:
    """`url` on another host, carrying the active language there."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({LINKED: translation.get_language()})}"


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
        response = self.get_response(request)
        linked = linked_language(request)
        if linked is not None and linked == language and request.COOKIES.get(COOKIE) != linked:
            # Kept on this host too: the next page here has no `?lang=`.
            response.set_cookie(
                COOKIE, linked, max_age=COOKIE_SECONDS, samesite="Lax", secure=request.is_secure()
            )
        return response
