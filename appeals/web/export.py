"""`GET /appeals/export.ndjson` and `/appeals/export.csv?since=&until=`: an akimat's appeals for a
period (Asia/Almaty days, at most 366), streamed as they are read (appeals.reads.export). For
whoever may view appeals (integrators, staff), within their reach; personal data only for the
roles that see it. Refusals in the API's one envelope."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.permissions import Operation, can, refusal, sees_personal_data
from apierrors.envelope import error_response, errors_response
from appeals.errors import AppealError
from appeals.reads.export import FIELDS, PERSONAL_FIELDS, ExportPeriod, export_rows
from appeals.rules.access import reach
from appeals.web.spreadsheet import csv_stream

NOT_A_DAY = _("{field} must be a day: 2026-12-01.")


def _day(request: HttpRequest, name: str) -> datetime.date | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _ndjson(rows: Iterator[dict[str, object]]) -> Iterator[bytes]:
    for row in rows:
        yield (json.dumps(row, ensure_ascii=False) + "\n").encode()


def _csv(rows: Iterator[dict[str, object]], columns: tuple[str, ...]) -> Iterator[bytes]:
    return csv_stream(columns, ([row.get(name) for name in columns] for row in rows))


@require_GET
def export_appeals(request: HttpRequest, extension: str) -> HttpResponse:
    principal = request.principal
    if not can(principal, Operation.APPEAL_VIEW):
        status = 403 if principal.is_authenticated else 401
        code = "forbidden" if principal.is_authenticated else "unauthenticated"
        return error_response(request, status, code, refusal(principal, Operation.APPEAL_VIEW))
    bad = [
        (name, "invalid", format_lazy(NOT_A_DAY, field=name))
        for name in ("since", "until")
        if request.GET.get(name, "").strip() and _day(request, name) is None
    ]
    if bad:
        return errors_response(request, 400, bad)
    try:
        period = ExportPeriod.of(_day(request, "since"), _day(request, "until"))
        scope = reach(principal, Operation.APPEAL_VIEW)
    except AppealError as error:
        status = 403 if any(p.code == "forbidden" for p in error.problems) else 400
        return errors_response(request, status, [(p.field, p.code, p.message) for p in error.problems])
    personal = sees_personal_data(principal)
    rows = export_rows(period, scope, personal=personal)
    name = f"appeals-{period.since.isoformat()}-{period.until.isoformat()}.{extension}"
    if extension == "csv":
        body = _csv(rows, FIELDS + (PERSONAL_FIELDS if personal else ()))
        content_type = "text/csv; charset=utf-8"
    else:
        body = _ndjson(rows)
        content_type = "application/x-ndjson"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
