"""What the dashboard page shows, read from `appeals.reads.kpis`: the figures, the time series as a
chart and a table, and the figures by organisation, category and person; every number links to
the list of appeals behind it. A fixed number of queries whatever the number of appeals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from appeals.reads import kpis
from appeals.reads.kpis import Dimension, Figure, Figures
from appeals.rules.access import Reach
from consoles.dashboard.forms import DashboardFilter
from consoles.text import language

FIGURE_LABELS: dict[Figure, Promise] = {
    Figure.RECEIVED: _("Received"),
    Figure.REPEATS: _("Repeats"),
    Figure.ANSWERED: _("Answered"),
    Figure.ANSWERED_ON_TIME: _("Answered on time"),
    Figure.ANSWERED_LATE: _("Answered late"),
    Figure.CLOSED: _("Closed"),
    Figure.OPEN_NOW: _("Open now"),
    Figure.OVERDUE_NOW: _("Overdue now"),
    Figure.DUE_SOON: _("Due within 24 h"),
}
DIMENSION_LABELS: dict[Dimension, Promise] = {
    Dimension.ORGANISATION: _("By organisation"),
    Dimension.CATEGORY: _("By category"),
    Dimension.PERSON: _("By responsible person"),
}
NOUNS: dict[Dimension, Promise] = {
    Dimension.ORGANISATION: _("Organisation"),
    Dimension.CATEGORY: _("Category"),
    Dimension.PERSON: _("Responsible person"),
}
NOBODY: dict[Dimension, Promise] = {
    Dimension.ORGANISATION: _("Not assigned"),
    Dimension.CATEGORY: _("Not classified"),
    Dimension.PERSON: _("Nobody named"),
}


@dataclass(frozen=True)
class Column:
    name: str  # a Figures attribute, or repeat_percent / sla_percent
    label: Promise
    figure: Figure | None = None  # the list a number opens (shares open none)


COLUMNS = (
    Column("received", _("Received"), Figure.RECEIVED),
    Column("repeat_percent", _("Repeats, %")),
    Column("answered", _("Answered"), Figure.ANSWERED),
    Column("answered_late", _("Late"), Figure.ANSWERED_LATE),
    Column("sla_percent", _("On time, %")),
    Column("closed", _("Closed"), Figure.CLOSED),
    Column("open_now", _("Open now"), Figure.OPEN_NOW),
    Column("overdue_now", _("Overdue now"), Figure.OVERDUE_NOW),
    Column("due_soon", _("Due within 24 h"), Figure.DUE_SOON),
)
NOW = frozenset({"open_now", "overdue_now", "due_soon"})
SERIES_COLUMNS = tuple(column for column in COLUMNS if column.name not in NOW)


def value_of(figures: Figures, name: str) -> int | float | None:
    if name == "sla_percent":
        return kpis.sla_percent(figures)
    if name == "repeat_percent":
        return kpis.repeat_percent(figures)
    return getattr(figures, name)


def drill_url(form: DashboardFilter, figure: Figure, **overrides: object) -> str:
    return f"{reverse('consoles:dashboard_appeals')}?{form.query(figure=figure.value, **overrides)}"


@dataclass(frozen=True)
class Cell:
    column: Column
    value: int | float | None
    url: str = ""

    @property
    def html(self) -> SafeString:
        """The number as printed (a share with one decimal in the screen's language; "—" for no
        data), linked to its appeals."""
        return mark_safe(self._html())  # noqa: S308 (numbers and an escaped link only)

    def _html(self) -> str:
        if self.value is None:
            return "—"
        text = str(self.value) if self.column.figure else number_format(self.value, 1)
        return f'<a href="{escape(self.url)}">{text}</a>' if self.url else text


def cells_html(cells: list[Cell]) -> SafeString:
    """A row's number cells as one piece of HTML: a page has hundreds of them, so they are joined
    here (one template lookup per row) from numbers and escaped links only."""
    joined = "".join(f'<td class="n" data-column="{cell.column.name}">{cell._html()}</td>' for cell in cells)
    return mark_safe(joined)  # noqa: S308 (see above)


def cells_of(
    form: DashboardFilter, figures: Figures, columns: tuple[Column, ...], **overrides: object
) -> list[Cell]:
    """A row of numbers, each non-zero count linked to its appeals (the row's link built once)."""
    base = f"{reverse('consoles:dashboard_appeals')}?{form.query(**overrides)}&figure="
    row = []
    for column in columns:
        value = value_of(figures, column.name)
        url = f"{base}{column.figure.value}" if column.figure and value else ""
        row.append(Cell(column, value, url))
    return row


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    name: str
    detail: str
    cells: list[Cell]

    @property
    def html(self) -> SafeString:
        return cells_html(self.cells)


@dataclass(frozen=True)
class Breakdown:
    dimension: Dimension
    label: Promise
    noun: Promise  # what a row is: an organisation, a category, a person
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class SeriesRow:
    start: datetime.date
    end: datetime.date
    cells: list[Cell]

    @property
    def html(self) -> SafeString:
        return cells_html(self.cells)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    x_end: float
    height: float
    received: int
    sla_percent: float | None
    sla_y: float | None  # where the share answered on time stands (0 % at the bottom)
    start: datetime.date
    end: datetime.date
    url: str


@dataclass
class Chart:
    """Received per point as bars, the share answered on time as a line over them (0-100 %)."""

    width: int = 800
    height: int = 180
    bars: list[Bar] = field(default_factory=list)
    sla_line: str = ""  # polyline points
    top: int = 0  # the received count at the top of the chart


def chart_of(form: DashboardFilter, points: list[kpis.Point]) -> Chart:
    chart = Chart()
    if not points:
        return chart
    chart.top = max(1, *(p.figures.received for p in points))
    slot = chart.width / len(points)
    line = []
    for index, point in enumerate(points):
        height = chart.height * point.figures.received / chart.top
        sla = kpis.sla_percent(point.figures)
        x = index * slot
        chart.bars.append(
            Bar(
                x=round(x + slot * 0.1, 2),
                y=round(chart.height - height, 2),
                width=round(slot * 0.8, 2),
                x_end=round(x + slot * 0.9, 2),
                height=round(height, 2),
                received=point.figures.received,
                sla_percent=sla,
                sla_y=None if sla is None else round(chart.height * (1 - sla / 100), 2),
                start=point.start,
                end=point.end,
                url=drill_url(form, Figure.RECEIVED, start=point.start, end=point.end),
            )
        )
        if sla is not None:
            line.append(f"{round(x + slot / 2, 2)},{round(chart.height * (1 - sla / 100), 2)}")
    chart.sla_line = " ".join(line)
    return chart


@dataclass(frozen=True)
class Dashboard:
    figures: Figures
    urls: dict[str, str]  # figure -> the list behind it
    chart: Chart
    series: list[SeriesRow]
    breakdowns: list[Breakdown]
    points: list[kpis.Point]


def _name(row: kpis.Row, dimension: Dimension) -> tuple[str, str]:
    if row.key == kpis.NONE:
        return str(NOBODY[dimension]), ""
    kk = language() == "kk"
    name = (row.name_kk if kk else row.name_ru) or row.name_ru or row.name_kk or row.key
    detail = (row.detail_kk if kk else row.detail_ru) or row.detail_ru
    return name, detail


def breakdown_of(form: DashboardFilter, dimension: Dimension, rows: list[kpis.Row]) -> Breakdown:
    shown = []
    for row in rows:
        name, detail = _name(row, dimension)
        cells = cells_of(form, row.figures, COLUMNS, **{dimension.value: row.key})
        shown.append(BreakdownRow(row.key, name, detail, cells))
    return Breakdown(dimension, DIMENSION_LABELS[dimension], NOUNS[dimension], shown)


def dashboard(form: DashboardFilter, reach: Reach) -> Dashboard:
    """Three statements: the figures with their three breakdowns, their names, the series."""
    overview = kpis.overview(form.period, form.scope, reach)
    points = kpis.time_series(form.period, form.granularity, form.scope, reach)
    series = [
        SeriesRow(p.start, p.end, cells_of(form, p.figures, SERIES_COLUMNS, start=p.start, end=p.end))
        for p in points
    ]
    return Dashboard(
        figures=overview.figures,
        urls={figure.value: drill_url(form, figure) for figure in Figure},
        chart=chart_of(form, points),
        series=series,
        breakdowns=[breakdown_of(form, d, overview.rows[d]) for d in Dimension],
        points=points,
    )
