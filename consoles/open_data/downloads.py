"""The answers of the open datasets' files (decision 111): streamed, cacheable by any proxy for a
while (`Cache-Control: public, max-age`, with `Expires`), and refusals as plain text in the screen's
language, never cached."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_response_headers
from django.utils.translation import gettext

from consoles.months import Month, current

CURRENT_MONTH_SECONDS = 300  # the month still gets appeals and answers
SETTLED_SECONDS = 3600  # an earlier month, the catalogue: statuses and edits still come, seldom
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
}


def seconds_fresh(month: Month | None) -> int:
    return CURRENT_MONTH_SECONDS if month is not None and month >= current() else SETTLED_SECONDS


def refused(message: str, status: int = 400) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def unknown_file(name: str, extension: str, published: dict[str, tuple[str, ...]]) -> HttpResponse | None:
    """404 naming what is not there and what is, or None for a published file."""
    if name not in published:
        message = gettext("There is no dataset “%(name)s”: see the list at /open-data/.")
        return refused(message % {"name": name}, 404)
    if extension not in published[name]:
        files = ", ".join(f"{name}.{known}" for known in published[name])
        message = gettext("“%(name)s.%(extension)s” is not published: this dataset's files are %(files)s.")
        return refused(message % {"name": name, "extension": extension, "files": files}, 404)
    return None


def streamed(pieces: Iterator[bytes], extension: str, filename: str, seconds: int) -> StreamingHttpResponse:
    response = StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_response_headers(response, seconds)
    patch_cache_control(response, public=True)
    return response
