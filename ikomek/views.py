"""The region's landing page (an akimat's `/` belongs to the consoles): the region's staff go on to
their console, everyone else gets the list of the akimats' hosts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_tenants.utils import get_public_schema_name

from consoles.access import home_url
from consoles.hosts import akimat_site
from consoles.language import linked_url
from tenants.models import Akimat


def region_home(request: HttpRequest) -> HttpResponse:
    target = home_url(request.principal, regional=True) if request.principal.is_authenticated else None
    if target:
        return redirect(target)
    # The sandbox is the integrators' (graphql/README.md), not a 109 line of the region.
    akimats = Akimat.objects.in_region().exclude(schema_name=get_public_schema_name()).filter(is_active=True)
    links = [(akimat, linked_url(f"{akimat_site(akimat.slug)}/")) for akimat in akimats]
    return render(request, "ikomek/region_home.html", {"region": request.tenant, "links": links})
