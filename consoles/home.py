"""`/` of an akimat's host: the person's own console, or the public page for everyone else."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from consoles.access import home_url


def home(request: HttpRequest) -> HttpResponse:
    target = home_url(request.principal) if request.principal.is_authenticated else None
    if target:
        return redirect(target)
    return render(request, "consoles/public_home.html", {"akimat": request.tenant})
