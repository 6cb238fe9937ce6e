"""Settings, working calendar: exceptions added and deleted with the log, working days only on
weekends, the shipped moved days of 2026 and 2027 loaded once without overwriting the akimat's own
entries, and working-day deadlines following an added day off."""

from __future__ import annotations

import datetime

import pytest

from appeals.catalogue.fixtures import read_day_moves
from appeals.models import CalendarException, CatalogueChange, Category
from appeals.rules.calendar import ALMATY
from appeals.rules.sla import deadline_for
from tests.consoles.settings.conftest import client_of

pytestmark = pytest.mark.usefixtures("inside")


def test_a_day_off_is_added_and_working_day_deadlines_skip_it(supervisor):
    housing = Category.objects.get(code="housing")  # 45 working hours
    friday_noon = datetime.datetime(2027, 6, 4, 12, 0, tzinfo=ALMATY)
    assert deadline_for(housing, friday_noon) == datetime.datetime(2027, 6, 11, 12, 0, tzinfo=ALMATY)
    answer = supervisor.post(
        "/console/settings/calendar/", {"date": "2027-06-07", "kind": "day_off", "note": "Акимат: субботник"}
    )
    assert answer.status_code == 302
    # Monday 7 June no longer counts: the five working days end on the next Monday.
    assert deadline_for(housing, friday_noon) == datetime.datetime(2027, 6, 14, 12, 0, tzinfo=ALMATY)
    change = CatalogueChange.objects.get()
    assert (change.subject, change.object_key, change.after["kind"]) == (
        "calendar_exception",
        "2027-06-07",
        "day_off",
    )


def test_a_working_day_must_be_a_weekend_and_a_date_is_listed_once(inside):
    client = client_of("supervisor", "kk", name="sup-kk")
    weekday = client.post("/console/settings/calendar/", {"date": "2027-06-09", "kind": "working_day"})
    text = weekday.content.decode()
    assert weekday.status_code == 400 and 'id="id_date-error"' in text
    assert "Рабочим можно сделать только субботу" not in text and "тек демалыс күнін" in text
    assert 'value="2027-06-09"' in text
    assert (
        client.post("/console/settings/calendar/", {"date": "2027-06-12", "kind": "working_day"}).status_code
        == 302
    )
    again = client.post("/console/settings/calendar/", {"date": "2027-06-12", "kind": "day_off"})
    assert again.status_code == 400 and "Бұл күн тізімде бар" in again.content.decode()
    garbage = client.post("/console/settings/calendar/", {"date": "12.06", "kind": "whatever"})
    text = garbage.content.decode()
    assert 'id="id_date-error"' in text and 'id="id_kind-error"' in text
    assert "КК.АА.ЖЖЖЖ" in text  # the format the pages show, not ISO's
    empty = client.post("/console/settings/calendar/", {"date": "", "kind": "day_off"}).content.decode()
    assert "Толтыру міндетті" in empty and "КК.АА.ЖЖЖЖ" not in empty  # missing, not malformed
    typed = client.post("/console/settings/calendar/", {"date": "13.06.2027", "kind": "working_day"})
    assert typed.status_code == 302  # typed the way the pages write dates
    assert CalendarException.objects.filter(date=datetime.date(2027, 6, 13)).exists()


def test_the_moved_days_of_a_year_are_loaded_once_and_never_overwrite_the_akimats_own(supervisor):
    shipped_2026 = [m for m in read_day_moves() if m.date.year == 2026]
    assert shipped_2026  # the data file holds 2026
    own = shipped_2026[0].date
    CalendarException.objects.create(date=own, kind="working_day", note="решение акимата")

    answer = supervisor.post("/console/settings/calendar/load", {"year": "2026"}, follow=True)
    text = answer.content.decode()
    loaded = set(CalendarException.objects.filter(date__year=2026).values_list("date", flat=True))
    assert loaded == {m.date for m in shipped_2026}
    assert CalendarException.objects.get(date=own).kind == "working_day"  # the akimat's entry stands
    assert f"добавлено перенесённых дней: {len(shipped_2026) - 1}, уже были: 0" in text
    assert own.strftime("%d.%m.%Y") in text  # named as kept
    logged = CatalogueChange.objects.filter(subject="calendar_exception", action="created")
    assert logged.count() == len(shipped_2026) - 1
    assert all(change.note.startswith("Заң, дереккөзі: https://") for change in logged)
    log = supervisor.get("/console/settings/changes/?subject=calendar_exception").content.decode()
    assert f"Закон, источник: {shipped_2026[1].source}" in log and "Заң, дереккөзі" not in log

    supervisor.post("/console/settings/calendar/load", {"year": "2026"})
    assert CatalogueChange.objects.count() == len(shipped_2026) - 1  # a second run adds nothing
    assert supervisor.post("/console/settings/calendar/load", {"year": "2031"}).status_code == 404


def test_the_shipped_moved_days_name_their_source(inside):
    moves = read_day_moves()
    assert {m.date.year for m in moves} == {2026, 2027}
    for move in moves:
        assert move.source.startswith("https://") or move.source == "labour-code-rule"
        assert move.basis in ("law", "decree")


def test_an_exception_is_deleted_with_the_log(supervisor):
    supervisor.post("/console/settings/calendar/", {"date": "2027-06-07", "kind": "day_off"})
    exception = CalendarException.objects.get(date="2027-06-07")
    assert supervisor.post(f"/console/settings/calendar/{exception.pk}/delete").status_code == 302
    assert not CalendarException.objects.filter(pk=exception.pk).exists()
    deleted = CatalogueChange.objects.get(action="deleted")
    assert (deleted.before["date"], deleted.after) == ("2027-06-07", {})
