"""The read service behind the dashboard (`appeals.reads.kpis`): its two ways to the same figures
agree, the period's days are Asia/Almaty's, and the scope narrows every figure."""

from __future__ import annotations

import datetime
import json

import pytest

from appeals.errors import AppealError
from appeals.kpi_definitions import ALMATY
from appeals.models import Appeal
from appeals.reads import kpis
from tests.consoles.dashboard.known import Known


def test_the_overview_in_one_statement_equals_the_figures_and_each_breakdown(known: Known):
    period = kpis.Period.of()
    overview = kpis.overview(period)
    assert overview.figures == kpis.figures(period)
    for dimension in kpis.Dimension:
        assert overview.rows[dimension] == kpis.breakdown(period, dimension), dimension
    organisation = known.overdue.organisation.code
    narrowed = kpis.Scope(organisation=organisation)
    assert kpis.overview(period, narrowed).figures == next(
        row.figures for row in overview.rows[kpis.Dimension.ORGANISATION] if row.key == organisation
    )


def test_a_period_counts_whole_days_in_almaty(known: Known):
    # Received half an hour before midnight in Almaty (the evening in UTC) belongs to that day.
    received = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=ALMATY)
    Appeal.objects.filter(pk=known.due_soon.pk).update(received_at=received)
    assert kpis.figures(kpis.Period.of(datetime.date(2026, 3, 9), datetime.date(2026, 3, 9))).received == 1
    assert kpis.figures(kpis.Period.of(datetime.date(2026, 3, 10), datetime.date(2026, 3, 10))).received == 0
    one_day = kpis.time_series(kpis.Period.of(datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)))
    assert [(p.start.day, p.figures.received) for p in one_day] == [(9, 1), (10, 0)]


def test_months_and_weeks_keep_their_points_inside_the_period(known: Known):
    period = kpis.Period.of(datetime.date(2026, 1, 20), datetime.date(2026, 3, 5))
    months = kpis.time_series(period, "month")
    assert [(p.start, p.end) for p in months] == [
        (datetime.date(2026, 1, 20), datetime.date(2026, 1, 31)),
        (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 5)),
    ]
    weeks = kpis.time_series(period, "week")
    assert weeks[0].start == period.start and weeks[1].start.weekday() == 0 and weeks[-1].end == period.end
    with pytest.raises(AppealError):
        kpis.time_series(period, "fortnight")


def test_appeals_without_an_organisation_or_a_category_are_a_scope_of_their_own(known: Known):
    period = kpis.Period.of()
    unassigned = kpis.drilled(kpis.Figure.OPEN_NOW, period, kpis.Scope(organisation=kpis.NONE))
    assert [a.number for a in unassigned] == [known.due_soon.number]
    assert kpis.figures(period, kpis.Scope(category=kpis.NONE)).received == 0
    assert kpis.figures(period, kpis.Scope(category="housing")).received == 5  # a group and its children


def test_the_map_points_are_newest_first_and_cut_at_the_limit(known: Known):
    period = kpis.Period.of()
    every = kpis.map_points(period)
    points = json.loads(every.json)
    assert every.count == len(points) == 5 and every.truncated is False
    newest = list(
        Appeal.objects.filter(pk__in=[known.closed_on_time.pk, known.repeat.pk, known.due_soon.pk])
        .order_by("-received_at", "-id")
        .values_list("number", flat=True)
    )
    numbers = [number for number, *_rest in points]
    assert [n for n in numbers if n in newest] == newest
    lon, lat = points[0][1:3]
    assert abs(lon - 69.145) < 0.001 and abs(lat - 54.872) < 0.001  # Petropavlovsk's centre, as taken in
    states = {number: state for number, _lon, _lat, state in points}
    assert states == {
        known.closed_on_time.number: "answered",
        known.done_late.number: "answered",
        known.overdue.number: "overdue",
        known.due_soon.number: "open",
        known.repeat.number: "other",  # cancelled as a repeat: neither open nor answered
    }
    cut = kpis.map_points(period, limit=2)
    assert cut.count == 2 and cut.truncated is True and json.loads(cut.json) == points[:2]
