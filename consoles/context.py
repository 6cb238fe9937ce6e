"""What every console page's layout needs: the akimat, the person, their navigation, the language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from consoles.access import navigation
from consoles.text import language, local


def console(request: HttpRequest) -> dict[str, object]:
    principal = getattr(request, "principal", None)
    tenant = getattr(request, "tenant", None)
    if principal is None or not principal.is_authenticated:
        return {
            "console_language": language(),
            "console_languages": settings.CONSOLE_LANGUAGES,
            "console_akimat": local(tenant) if tenant is not None else "",  # the public pages' too
        }
    return {
        "console_language": language(),
        "console_languages": settings.CONSOLE_LANGUAGES,
        "console_akimat": local(tenant) if tenant is not None else "",
        "console_nav": navigation(principal),
        "console_person": principal.display_name,
    }
