"""The dashboard's figures and the list behind a figure as CSV (UTF-8 with a BOM, so spreadsheet
programs read Cyrillic right) and XLSX (`consoles.dashboard.xlsx`: text and numbers, no formatting).
Headers in the screen's language; applicants' names and phones only for roles that see them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Func, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals.kpi_definitions import ALMATY, BY_DEADLINE
from appeals.states import Status
from appeals.web.spreadsheet import SafeWriter
from consoles.dashboard import xlsx
from consoles.dashboard.page import COLUMNS, SERIES_COLUMNS, Dashboard, value_of
from consoles.text import language, pick

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_MAX = 10_000  # rows of one exported list (a year of a city's appeals is fewer)


@dataclass(frozen=True)
class Sheet:
    title: Promise
    header: list[str]
    rows: Iterable[list[object]]


def figure_sheets(board: Dashboard) -> list[Sheet]:
    """The figures: the total, each breakdown, the time series."""
    numbers = [str(column.label) for column in COLUMNS]
    total = [[gettext("All appeals"), *(value_of(board.figures, c.name) for c in COLUMNS)]]
    sheets = [Sheet(_("Total"), [gettext("Appeals"), *numbers], total)]
    for breakdown in board.breakdowns:
        rows = [[row.name, row.detail, *(cell.value for cell in row.cells)] for row in breakdown.rows]
        detail = gettext("Organisation") if breakdown.dimension == "person" else ""
        header = [str(breakdown.noun), detail, *numbers]
        sheets.append(Sheet(breakdown.label, header, rows))
    series = [
        [
            p.start.strftime("%d.%m.%Y"),
            p.end.strftime("%d.%m.%Y"),
            *(value_of(p.figures, c.name) for c in SERIES_COLUMNS),
        ]
        for p in board.points
    ]
    header = [gettext("From"), gettext("To"), *(str(c.label) for c in SERIES_COLUMNS)]
    sheets.append(Sheet(_("Time series"), header, series))
    return sheets


# What a list's file says of each appeal: values, not models (a list may hold thousands), its
# moments already written as Almaty's local time by PostgreSQL (loading and formatting thousands
# of datetimes in Python cost more than the query).
LIST_FIELDS = (
    "number",
    "received",
    "status",
    "category__name_kk",
    "category__name_ru",
    "organisation__name_kk",
    "organisation__name_ru",
    "assignee__full_name",
    "deadline_at",
    "resolved",
    "by_deadline",
    "closed",
    "overdue",
    "address",
)
PERSONAL_FIELDS = ("applicant_name", "applicant_phone")
MOMENTS = {
    "received": "received_at",
    "deadline_at": "deadline",
    "resolved": "resolved_at",
    "closed": "closed_at",
}


def _local_text(column: str) -> Func:
    """dd.mm.yyyy hh:mm in Almaty, "" for none."""
    return Func(
        F(column),
        template=f"coalesce(to_char(%(expressions)s AT TIME ZONE '{ALMATY.key}', 'DD.MM.YYYY HH24:MI'), '')",
        output_field=CharField(),
    )


def list_values(appeals: QuerySet, personal: bool) -> QuerySet:
    """The rows of a list's file (`appeal_sheet` reads them), at most LIST_MAX."""
    return appeals.annotate(
        **{name: _local_text(column) for name, column in MOMENTS.items()},
        by_deadline=ExpressionWrapper(BY_DEADLINE, output_field=BooleanField()),
        overdue=ExpressionWrapper(Q(overdue_at__isnull=False), output_field=BooleanField()),
    ).values_list(*LIST_FIELDS, *(PERSONAL_FIELDS if personal else ()))[:LIST_MAX]


def appeal_sheet(appeals: Iterable[tuple], personal: bool) -> Sheet:
    """`appeals` as `list_values` rows."""
    header = [
        "№",
        gettext("Received"),
        gettext("Status"),
        gettext("Category"),
        gettext("Organisation"),
        gettext("Responsible person"),
        gettext("Deadline"),
        gettext("Answered"),
        gettext("On time"),
        gettext("Closed"),
        gettext("Overdue"),
        gettext("Address"),
    ]
    if personal:
        header += [gettext("Name"), gettext("Phone")]
    statuses = {value: pick(label) for value, label in Status.choices}
    kk = language() == "kk"

    def rows() -> Iterator[list[object]]:
        yes, no = gettext("yes"), gettext("no")
        on_time = {True: yes, False: no, None: ""}
        for (
            number, received, status, category_kk, category_ru, organisation_kk, organisation_ru,
            person, deadline, resolved, by_deadline, closed, overdue, address, *applicant,
        ) in appeals:  # fmt: skip
            yield [
                number,
                received,
                statuses.get(status, status),
                (category_kk if kk else category_ru) or category_ru or category_kk or "",
                (organisation_kk if kk else organisation_ru) or organisation_ru or organisation_kk or "",
                person or "",
                deadline,
                resolved,
                on_time[by_deadline],
                closed,
                yes if overdue else "",
                address,
                *applicant,
            ]

    return Sheet(_("Appeals"), header, rows())


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.now().astimezone(ALMATY):%Y%m%d-%H%M}.{extension}"


def csv_response(sheets: list[Sheet], stem: str) -> HttpResponse:
    """Every sheet one after the other, each with its title and header line. Written whole inside
    the request (at most LIST_MAX rows), so the tenant's schema and the language are still set."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeWriter(out)
    for index, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if index:
                writer.writerow([])
            writer.writerow([str(sheet.title)])
        writer.writerow(sheet.header)
        for row in sheet.rows:
            writer.writerow(["" if value is None else value for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def xlsx_response(sheets: list[Sheet], stem: str) -> HttpResponse:
    # Sheet titles: at most 31 characters and none of []:*?/\ (Excel's rules).
    book = xlsx.workbook(
        [
            ("".join(c for c in str(sheet.title) if c not in "[]:*?/\\")[:31], [sheet.header, *sheet.rows])
            for sheet in sheets
        ]
    )
    response = HttpResponse(book, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response
