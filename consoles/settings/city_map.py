"""Settings: the akimat's map objects uploaded as a GeoJSON or CSV file, through the map's import
service (all or nothing: one rejected row and nothing is written); every rejected row is listed
with its reasons in the person's language."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import Operation
from citymap.imports.service import import_city_objects
from citymap.models import ObjectKind
from consoles.access import console_page

# Larger than any city's file in the demo (3,500 buildings: 1.3 MB); the service stops at 200,000 rows.
MAX_BYTES = 64 * 1024 * 1024
ROWS_SHOWN = 500


@require_http_methods(["GET", "POST"])
@console_page(Operation.CATALOGUE_MANAGE)
def city_map(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "section": "city_map",
        "report": None,
        "refusal": "",
        "kinds": ObjectKind.choices,
        "organisations_url": reverse("consoles:settings_organisations"),
    }
    if request.method == "GET":
        return render(request, "consoles/settings/city_map.html", context)
    upload = request.FILES.get("file")
    if upload is None:
        context["refusal"] = _("Choose a GeoJSON or CSV file.")
    elif upload.size > MAX_BYTES:
        context["refusal"] = _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
    else:
        report = import_city_objects(request.principal, upload.read(), filename=upload.name or "")
        context.update(
            report=report,
            filename=upload.name,
            shown=report.rejected[:ROWS_SHOWN],
            more=max(0, len(report.rejected) - ROWS_SHOWN),
        )
        if report.imported:
            return render(request, "consoles/settings/city_map.html", context)
    return render(request, "consoles/settings/city_map.html", context, status=400)
