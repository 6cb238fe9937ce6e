"""The switch of a person's language, on every host (`/auth/language`; the consoles' header posts
to `/console/language`, the same view): kept on the staff profile of a signed-in person, so it
follows them to every device, and in a cookie for everyone (citizens, the sign-in and refusal
pages). `consoles.language` reads the choice back on every request."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import StaffProfile

COOKIE = settings.LANGUAGE_COOKIE_NAME
COOKIE_SECONDS = 365 * 24 * 3600


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
    response.set_cookie(COOKIE, language, max_age=COOKIE_SECONDS, samesite="Lax", secure=request.is_secure())
    return response
