"""A console's own "not found" and "no access" pages: a signed-in person who asks a console address
for something that is not there (an appeal number of no appeal they may see, a mistyped page) or
that their roles do not open stays in their console's frame (akimat, person and roles, navigation,
language) and gets a way back to their own first page. Everyone else, and every public address,
gets the platform's plain pages (`ikomek/templates/404.html`, `403.html`). Wired by the URLconfs'
handlers (`ikomek.api_failures`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from consoles.access import back_to, regional_host

# The consoles' addresses on an akimat's host and on the regional host (public schema).
AKIMAT_CONSOLE_PREFIXES = ("/console/",)
REGION_CONSOLE_PREFIXES = ("/region/", "/112/")


def in_console(request: HttpRequest) -> bool:
    """A console address asked by a signed-in person: the page keeps the console's frame."""
    principal = getattr(request, "principal", None)
    if principal is None or not principal.is_authenticated:
        return False
    prefixes = REGION_CONSOLE_PREFIXES if regional_host(request) else AKIMAT_CONSOLE_PREFIXES
    return request.path.startswith(prefixes)


def asked_appeal(request: HttpRequest) -> int | None:
    """The appeal number in the address (`/console/appeals/<number>/` and its steps, a call-back,
    an executor's appeal), when the address is one of those."""
    match = getattr(request, "resolver_match", None)
    number = match.kwargs.get("number") if match is not None else None
    return number if isinstance(number, int) else None


def not_found(request: HttpRequest) -> HttpResponse | None:
    """The console's 404 page, or None when the address is not a signed-in person's console."""
    if not in_console(request):
        return None
    context = {
        "back": back_to(request),
        "number": asked_appeal(request),
        # An executor sees their organisation's appeals only: the likelier reason is that one.
        "organisation": bool(request.principal.organisation),
    }
    return render(request, "consoles/not_found.html", context, status=404)


def refused(request: HttpRequest) -> HttpResponse | None:
    """The console's 403 page (the one `console_page` shows), or None outside a signed-in console."""
    if not in_console(request):
        return None
    return render(request, "consoles/refused.html", {"back": back_to(request)}, status=403)
