"""`/console/settings/`: the first section, categories."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.permissions import Operation
from consoles.access import console_page


@console_page(Operation.CATALOGUE_MANAGE)
def overview(request: HttpRequest) -> HttpResponse:
    return redirect("consoles:settings_categories")
