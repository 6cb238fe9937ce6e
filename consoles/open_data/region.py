"""The region's open data (`/open-data/` on the regional host, anonymous; decision 111): each
akimat's datasets linked, and the region's appeals of a month from the read model
(`regional.open_data`), never the sandbox (decision 79). A download is four SQL statements
whatever the number of appeals: the akimats, the first day, the categories' names, the facts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_tenants.utils import get_public_schema_name

from appeals.kpi_definitions import ALMATY
from consoles.hosts import akimat_site
from consoles.language import linked_url
from consoles.months import Month, asked, region_first
from consoles.open_data import formats
from consoles.open_data.datasets import LICENCE, LICENCE_URL, REGION_APPEALS
from consoles.open_data.downloads import refused, seconds_fresh, streamed, unknown_file
from consoles.open_data.views import render_page
from regional import open_data as reads
from tenants.models import Akimat

FILES = {"appeals": ("csv", "json")}


def _akimats() -> list[Akimat]:
    # The sandbox is the integrators' (decision 79), never part of the region's data.
    return list(
        Akimat.objects.in_region()
        .exclude(schema_name=get_public_schema_name())
        .filter(is_active=True)
        .order_by("kato")
    )


@require_safe
def region_open_data_page(request: HttpRequest) -> HttpResponse:
    akimats = _akimats()

    def links(month: Month) -> list[tuple[object, str, str]]:
        # The akimat's page in the screen's language (its host keeps its own cookie); a file has none.
        return [
            (
                akimat,
                linked_url(f"{akimat_site(akimat.slug)}/open-data/?month={month.label}"),
                f"{akimat_site(akimat.slug)}/open-data/appeals.csv?month={month.label}",
            )
            for akimat in akimats
        ]

    return render_page(request, region_first(akimats), (REGION_APPEALS,), links)


@require_safe
def region_download(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    unknown = unknown_file(name, extension, FILES)
    if unknown is not None:
        return unknown
    akimats = _akimats()
    month, refusal = asked(request.GET.get("month"), region_first(akimats))
    if refusal is not None:
        return refused(refusal)
    named = [(a.schema_name, a.slug, a.name_kk, a.name_ru) for a in akimats]
    rows = reads.month_appeals(named, month.first, month.after)
    if extension == "csv":
        pieces = formats.csv_pieces(reads.COLUMNS, rows)
    else:
        about = {
            "dataset": "appeals",
            "region": request.tenant.slug,
            "month": month.label,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "made_at": timezone.now().astimezone(ALMATY).isoformat(timespec="seconds"),
            "dictionary": f"{request.scheme}://{request.get_host()}/open-data/",
        }
        pieces = formats.json_pieces(about, "appeals", rows)
    return streamed(pieces, extension, f"region-appeals-{month.label}.{extension}", seconds_fresh(month))
