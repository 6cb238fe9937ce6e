"""The akimat's open data (`/open-data/` and its files, anonymous; decision 111): the appeals of a
month as the public may see them, the catalogue and the month's figures, each with its data
dictionary in the screen's language, under CC BY 4.0. The rows are `appeals.reads.open_data`'s;
a month's appeals are streamed, in two SQL statements whatever their number."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from appeals.reads import open_data as reads
from consoles.months import Month, akimat_first, asked, offered, today
from consoles.open_data import formats
from consoles.open_data.datasets import AKIMAT_DATASETS, LICENCE, LICENCE_URL
from consoles.open_data.downloads import refused, seconds_fresh, streamed, unknown_file

# Each file: its dataset, whether it takes ?month=.
FILES: dict[str, tuple[str, ...]] = {
    "appeals": ("csv", "json", "geojson"),
    "figures": ("csv", "json"),
    "categories": ("csv",),
    "organisations": ("csv",),
    "catalogue": ("json",),
}
MONTHLY = ("appeals", "figures")


def first_month(request: HttpRequest) -> Month:
    return akimat_first(request.tenant)


def head(request: HttpRequest, dataset: str, month: Month | None) -> dict[str, object]:
    """What a JSON file says of itself before its rows."""
    about: dict[str, object] = {"dataset": dataset, "akimat": request.tenant.slug}
    if month is not None:
        about["month"] = month.label
    return about | {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "made_at": reads.moment(timezone.now()),
        "dictionary": f"{request.scheme}://{request.get_host()}/open-data/",
    }


def render_page(
    request: HttpRequest,
    first: Month,
    datasets: tuple,
    akimats: Callable[[Month], list[tuple[object, str, str]]] | None = None,
) -> HttpResponse:
    """The open data page for the month asked (400 with the reason for a month it cannot give); the
    region's lists each akimat's page and file for that month (`akimats`)."""
    month, refusal = asked(request.GET.get("month"), first)
    context = {
        "datasets": datasets,
        "month": month,
        "months": offered(first),
        "first": first,
        "refusal": refusal,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "regional": akimats is not None,
        "akimats": akimats(month) if akimats is not None else [],
        "language_next": request.get_full_path() if refusal is None else "/open-data/",
    }
    return render(request, "consoles/open_data/page.html", context, status=400 if refusal else 200)


@require_safe
def open_data_page(request: HttpRequest) -> HttpResponse:
    return render_page(request, first_month(request), AKIMAT_DATASETS)


@require_safe
def download(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    unknown = unknown_file(name, extension, FILES)
    if unknown is not None:
        return unknown
    slug = request.tenant.slug
    if name not in MONTHLY:
        return _catalogue_file(request, name, extension)
    month, refusal = asked(request.GET.get("month"), first_month(request))
    if refusal is not None:
        return refused(refusal)
    filename = f"{slug}-{name}-{month.label}.{extension}"
    if name == "figures":
        rows: Iterator[dict[str, object]] = iter(reads.month_figures(month.first, min(month.last, today())))
        columns = reads.FIGURE_COLUMNS
    else:
        rows = reads.month_appeals(month.first, month.after)
        columns = reads.APPEAL_COLUMNS
    if extension == "csv":
        pieces = formats.csv_pieces(columns, rows)
    elif extension == "geojson":
        pieces = formats.geojson_pieces(head(request, name, month), rows)
    else:
        pieces = formats.json_pieces(head(request, name, month), name, rows)
    return streamed(pieces, extension, filename, seconds_fresh(month))


def _catalogue_file(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    filename = f"{request.tenant.slug}-{name}.{extension}"
    if name == "catalogue":
        tables = {"categories": reads.categories(), "organisations": reads.organisations()}
        document = head(request, name, None) | tables
        pieces = iter([formats.json_document(document)])
    elif name == "categories":
        pieces = formats.csv_pieces(reads.CATEGORY_COLUMNS, reads.categories())
    else:
        pieces = formats.csv_pieces(reads.ORGANISATION_COLUMNS, reads.organisations())
    return streamed(pieces, extension, filename, seconds_fresh(None))
