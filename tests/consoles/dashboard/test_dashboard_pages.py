"""The dashboard server-side (Django's client, real database): the figures of known appeals in the
screen's language, every figure's list of appeals, the breakdowns and the time series, wrong filters
as field errors, who may open it, and what each role sees of applicants."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from appeals.models import Appeal
from tests.consoles.dashboard.conftest import person
from tests.consoles.dashboard.known import Known


def card(html: str, figure: str) -> str:
    """The number a figure card shows."""
    found = re.search(rf'data-figure="{figure}">.*?class="value"[^>]*>([^<]*)<', html, re.S)
    assert found, figure
    return found.group(1).strip()


def numbers_listed(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'<tr[^>]*data-number="(\d+)"', html)}


@pytest.mark.parametrize(
    ("language", "own", "other"),
    [("kk", "Қазір мерзімі өткен", "Просрочено сейчас"), ("ru", "Просрочено сейчас", "Қазір мерзімі өткен")],
)
def test_the_figures_of_known_appeals_in_one_language(known, language, own, other):
    answer = person("akim", language).get("/console/dashboard/")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert (card(html, "received"), card(html, "answered"), card(html, "closed")) == ("5", "2", "1")
    assert (card(html, "overdue_now"), card(html, "due_soon"), card(html, "open_now")) == ("1", "1", "2")
    # 1 of 2 answered on time, 1 of 5 received a repeat; numbers in the screen's language (a comma).
    assert card(html, "sla_compliance") == "50,0 %" and card(html, "repeat_share") == "20,0 %"
    assert own in html and other not in html


def test_every_figure_opens_the_appeals_behind_it(known: Known):
    client = person("analyst")
    expected = {
        "received": {known.closed_on_time, known.done_late, known.overdue, known.due_soon, known.repeat},
        "repeats": {known.repeat},
        "answered": {known.closed_on_time, known.done_late},
        "answered_on_time": {known.closed_on_time},
        "answered_late": {known.done_late},
        "closed": {known.closed_on_time},
        "open_now": {known.overdue, known.due_soon},
        "overdue_now": {known.overdue},
        "due_soon": {known.due_soon},
    }
    board = client.get("/console/dashboard/").content.decode()
    for figure, appeals in expected.items():
        links = re.findall(rf'href="(/console/dashboard/appeals/\?[^"]*figure={figure}[^"]*)"', board)
        assert links, f"no link to {figure}"
        answer = client.get(links[0].replace("&amp;", "&"))
        html = answer.content.decode()
        assert answer.status_code == 200
        assert numbers_listed(html) == {a.number for a in appeals}, figure
        assert f'id="total">{len(appeals)}<' in html
        for appeal in appeals:
            assert f'href="/console/appeals/{appeal.number}/"' in html  # the operator's appeal page


def test_breakdowns_by_organisation_category_and_person_link_to_their_appeals(known: Known):
    organisation = known.overdue.organisation
    html = person("supervisor").get("/console/dashboard/").content.decode()
    section = html.split('data-dimension="organisation"')[1].split("</section>")[0]
    row = section.split(f'data-key="{organisation.code}"')[1].split("</tr>")[0]
    assert organisation.name_ru in row
    overdue_cell = row.split('data-column="overdue_now">')[1].split("</td>")[0]
    assert f"organisation={organisation.code}" in overdue_cell and ">1</a>" in overdue_cell
    categories = html.split('data-dimension="category"')[1].split("</section>")[0]
    assert 'data-key="heating"' in categories and "Отопление" in categories
    people = html.split('data-dimension="person"')[1].split("</section>")[0]
    assert 'data-key="-"' in people  # appeals nobody was named for are a row of their own

    # The same figures for one organisation only.
    narrowed = person("supervisor", name="dash-sup-2").get(
        f"/console/dashboard/?organisation={organisation.code}"
    )
    assert card(narrowed.content.decode(), "overdue_now") == "1"
    assert organisation.name_ru in narrowed.content.decode()


def test_the_time_series_adds_up_by_day_and_by_week(known):
    client = person("analyst")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=13)
    for step, points in (("day", 14), ("week", None)):
        html = client.get(f"/console/dashboard/?start={start}&end={today}&step={step}").content.decode()
        table = html.split('id="series"')[1].split("</table>")[0]
        rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
        if points:
            assert len(rows) == points
        received = [re.search(r"<td class=\"n\"[^>]*>(?:<a [^>]*>)?(\d+)", row).group(1) for row in rows]
        assert sum(int(n) for n in received) == 5
        assert html.count('<rect class="bar"') == len(rows)


@pytest.mark.parametrize(
    ("query", "field", "kk", "ru"),
    [
        ("start=2026-03-10&end=2026-03-01", "end", "Басы соңынан кейін", "Начало позже конца периода"),
        ("start=2020-01-01&end=2025-01-01", "end", "күннен аспауы керек", "не длиннее"),
        ("start=yesterday", "start", "Күнді енгізіңіз", "Введите дату"),
        ("category=nonsense", "category", "Мұндай санат жоқ", "Нет такой категории"),
        ("organisation=nowhere", "organisation", "Мұндай ұйым жоқ", "Нет такой организации"),
    ],
)
def test_wrong_filters_are_field_errors_in_the_screens_language(city, query, field, kk, ru):
    for language, own, other in (("kk", kk, ru), ("ru", ru, kk)):
        answer = person("akim", language).get(f"/console/dashboard/?{query}")
        html = answer.content.decode()
        assert answer.status_code == 400
        error = re.search(rf'id="id_{field}-error">([^<]*)<', html)
        assert error and own in error.group(1) and other not in html
        assert f'aria-describedby="id_{field}-error"' in html
        typed = query.split(f"{field}=")[1].split("&")[0] if f"{field}=" in query else ""
        if typed and field in ("start", "end"):
            assert f'value="{typed}"' in html  # nothing typed is lost
    # An htmx request gets the same errors in the fragment it swaps in (422: htmx swaps it).
    fragment = person("akim", name="dash-htmx").get(f"/console/dashboard/?{query}", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 422 and "<html" not in fragment.content.decode()
    assert f'id="id_{field}-error"' in fragment.content.decode()


def test_a_wrong_figure_or_page_in_a_list_link_is_explained(city):
    client = person("akim", "kk")
    answer = client.get("/console/dashboard/appeals/?figure=happiness")
    assert answer.status_code == 400 and "Мұндай көрсеткіш жоқ" in answer.content.decode()
    assert client.get("/console/dashboard/appeals/?figure=received&page=0").status_code == 400
    assert client.get("/console/dashboard/appeals/").status_code == 400


PAGES = (
    "/console/dashboard/",
    "/console/dashboard/appeals/?figure=received",
    "/console/dashboard/export.csv",
    "/console/dashboard/export.xlsx",
    "/console/dashboard/appeals.csv?figure=received",
    "/console/dashboard/appeals.xlsx?figure=received",
    "/console/dashboard/map.json",
)


def test_only_roles_with_reports_view_open_it(city):
    for role in ("supervisor", "akim", "analyst", "lawyer"):
        assert person(role).get("/console/dashboard/").status_code == 200, role
    for role in ("operator", "executor"):
        for path in PAGES:
            assert person(role, name=f"dash-{role}-{PAGES.index(path)}").get(path).status_code == 403, path
    anonymous = person("akim", name="dash-leaves")
    anonymous.logout()
    answer = anonymous.get("/console/dashboard/")
    assert answer.status_code == 302 and answer["Location"].startswith("/auth/login/")


def test_akims_and_analysts_see_no_applicants_supervisors_do(known):
    phone = known.overdue.applicant_phone
    for role, sees in (("akim", False), ("analyst", False), ("supervisor", True)):
        html = person(role).get("/console/dashboard/appeals/?figure=received").content.decode()
        assert (phone in html) is sees, role
    points = person("akim", name="dash-akim-map").get("/console/dashboard/map.json")
    assert phone not in points.content.decode()


def test_the_map_gets_the_periods_points_with_their_state(known: Known):
    data = person("analyst").get("/console/dashboard/map.json").json()
    states = {number: state for number, _lon, _lat, state in data["points"]}
    assert states == {
        known.closed_on_time.number: "answered",
        known.done_late.number: "answered",
        known.overdue.number: "overdue",
        known.due_soon.number: "open",
        known.repeat.number: "other",  # cancelled as a duplicate: neither open nor answered
    }
    assert data["truncated"] is False
    page = person("analyst", name="dash-analyst-2").get("/console/dashboard/").content.decode()
    assert "/static/leaflet/leaflet.js" in page and 'id="dashboard-boundary"' in page
    assert re.search(r'id="dashboard-boundary"[^>]*>\{"type": "(Multi)?Polygon"', page)  # our own boundary
    assert "tile.openstreetmap" not in page and "https://" not in page.split("<body")[1]


def test_an_appeal_closed_now_changes_the_figures(known: Known):
    from appeals import actions
    from tests.appeals.conftest import OPERATOR

    client = person("akim")
    before = client.get("/console/dashboard/").content.decode()
    actions.record_callback(OPERATOR, known.done_late.number, reached=True, satisfied=True)
    actions.close_appeal(OPERATOR, known.done_late.number)
    after = client.get("/console/dashboard/").content.decode()
    assert (card(before, "closed"), card(after, "closed")) == ("1", "2")
    assert Appeal.objects.get(pk=known.done_late.pk).status == "closed"
