"""The hotspot tiles over HTTP: `GET /map/hotspots/<z>/<x>/<y>.mvt?category=&since=&until=` on an
akimat's host, for those who read reports. Refusals are JSON in the person's language."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import Operation
from apierrors.envelope import errors_response
from appeals.rules.calendar import ALMATY
from appeals.rules.text import storable
from citymap.access import allowed
from citymap.errors import CityMapError, Problem, say
from citymap.hotspots.period import UNKNOWN_CATEGORY, question
from citymap.hotspots.tiles import hotspot_tile, valid_tile

MVT = "application/vnd.mapbox-vector-tile"
NO_TILE = _("There is no such tile.")
BAD_TIME = _("{field} must be a date (2026-12-01) or a date and time.")
SIGN_IN = _("Sign in to see the hotspots.")
NOT_YOURS = _("Your roles do not open the hotspots.")


def _refused(request: HttpRequest, problems: list[Problem], status: int) -> JsonResponse:
    return errors_response(request, status, [(p.field, p.code, p.text) for p in problems])


def _moment(request: HttpRequest, name: str) -> datetime.datetime | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    moment = None
    if text.isascii() and storable(text):
        try:
            moment = parse_datetime(text)
            day = parse_date(text) if moment is None else None
        except ValueError:
            moment = day = None
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.min)
    if moment is None:
        raise CityMapError.of(name, "invalid", say(BAD_TIME, field=name))
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=ALMATY)


@require_GET
def hotspot_tile_view(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    principal = request.principal
    if not allowed(principal, Operation.REPORTS_VIEW):
        anonymous = not principal.is_authenticated
        problem = Problem(
            None, "unauthenticated" if anonymous else "forbidden", SIGN_IN if anonymous else NOT_YOURS
        )
        return _refused(request, [problem], 401 if anonymous else 403)
    if not valid_tile(z, x, y):
        return _refused(request, [Problem(None, "not_found", NO_TILE)], 404)
    category = request.GET.get("category", "").strip()
    try:
        if not storable(category) or len(category) > 60:
            raise CityMapError.of(
                "category", "not_found", say(UNKNOWN_CATEGORY, value=category[:60].replace("\x00", ""))
            )
        asked = question(category, _moment(request, "since"), _moment(request, "until"))
    except CityMapError as error:
        return _refused(request, error.problems, 400)
    tile = hotspot_tile(z, x, y, asked)
    response = HttpResponse(tile, content_type=MVT, status=200 if tile else 204)
    response["Cache-Control"] = "private, max-age=60"
    return response
