"""The akimat's public figures `/figures/` (decision 102): anyone sees how the 109 line did, in
Kazakh or Russian, by topic and organisation, the queue being worked without anything of who sent
it, and the same figures as CSV; a calendar month's figures agree with the open data's figures file
of that month; a bad period or month is said, not ignored; a fixed number of queries."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from appeals.kpi_definitions import day_start
from appeals.models import Appeal
from consoles.months import current
from testkit.queries import exact_queries
from tests.appeals.conftest import appeal_in, intake

PHONE = "+77051230099"
WORDS = {
    "kk": {"title": "109 желісінің көрсеткіштері", "topic": "Жылумен жабдықтау", "period": "Соңғы 30 күн"},
    "ru": {"title": "Показатели линии 109", "topic": "Отопление", "period": "Последние 30 дней"},
}


def citizen(language: str = "ru") -> Client:
    client = Client(HTTP_HOST="petropavlovsk.localhost")
    client.cookies["django_language"] = language
    return client


def total(text: str, figure: str) -> int:
    found = re.search(rf'<dd data-figure="{figure}">(\d+)</dd>', text)
    assert found, figure
    return int(found.group(1))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_anyone_sees_the_figures_and_the_queue_in_one_language(petropavlovsk, language):
    before = citizen(language).get("/figures/").content.decode()
    worked = appeal_in(
        "assigned", phone=PHONE, applicant_name="Гульнара Ахметова", address="ул. Абая, 3, кв. 9"
    )
    unread = intake(phone=PHONE, address="ул. Абая, 5, спросить Гульнару")
    done = appeal_in("done", phone=PHONE)
    emergency = intake(category="medical", phone=PHONE)
    page = citizen(language).get("/figures/")
    text = page.content.decode()
    other = WORDS["ru" if language == "kk" else "kk"]
    assert page.status_code == 200 and f'<html lang="{language}">' in text
    assert WORDS[language]["title"] in text and WORDS[language]["period"] in text
    assert other["title"] not in text and other["topic"] not in text
    assert total(text, "received") == total(before, "received") + 4
    assert total(text, "answered") == total(before, "answered") + 1
    assert total(text, "open-now") == total(before, "open-now") + 2  # the emergency is 112's now
    assert WORDS[language]["topic"] in text
    queue = text[text.index('<ol class="queue"') :]
    assert f'data-number="{worked.number}"' in queue and "ул. Абая, 3<" in queue  # not the flat
    assert f'data-number="{unread.number}"' in queue and "ул. Абая, 5" not in queue  # nobody read it yet
    assert f'data-number="{done.number}"' not in queue  # answered: no longer worked
    assert f'data-number="{emergency.number}"' not in queue  # 112's, never public
    assert PHONE not in text and "Гульнара" not in text and "Ахметова" not in text


def test_a_period_is_chosen_from_three_and_a_bad_one_is_said(petropavlovsk):
    week = citizen().get("/figures/?days=7").content.decode()
    assert "Последние 7 дней" in week and '<strong aria-current="true">7</strong>' in week
    bad = citizen("kk").get("/figures/?days=5")
    text = bad.content.decode()
    assert bad.status_code == 400 and 'data-code="invalid"' in text
    assert "7, 30 немесе 90" in text and "Соңғы 30 күн" in text


def test_the_figures_as_csv_for_open_data(petropavlovsk):
    appeal_in("done", phone=PHONE)
    answer = citizen().get("/figures/figures.csv?days=90")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    assert re.fullmatch(
        r'attachment; filename="petropavlovsk-figures-\d{8}-\d{8}\.csv"', answer["Content-Disposition"]
    )
    assert answer.content.startswith("\ufeff".encode())  # Excel reads the names in UTF-8
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    totals = rows[0]
    assert totals["kind"] == "total" and int(totals["answered"]) >= 1
    heating = next(r for r in rows if r["kind"] == "category" and r["code"] == "heating")
    assert heating["name_ru"] == "Отопление" and heating["name_kk"] == "Жылумен жабдықтау"
    assert int(heating["received"]) >= 1 and 0 <= float(heating["answered_on_time_percent"] or 0) <= 100
    assert {r["kind"] for r in rows} <= {"total", "category", "organisation"}
    assert PHONE not in answer.content.decode()
    refused = citizen().get("/figures/figures.csv?days=365")
    assert refused.status_code == 400 and "30" in refused.content.decode()


@pytest.mark.parametrize("address", ["/figures/", f"/figures/?month={current().label}"])
def test_the_page_costs_a_fixed_number_of_queries(petropavlovsk, address):
    client = citizen()
    client.get(address)  # warm: the akimat of the host, once a process
    for _ in range(2):
        appeal_in("assigned")
    # The first appeal's day (the months offered), the figures grouped, their names, the queue.
    with exact_queries(4):
        client.get(address)
    for _ in range(4):
        appeal_in("done")
    with exact_queries(4):
        client.get(address)


def moved_to(appeal: Appeal, day: datetime.date) -> None:
    """The appeal's moments moved to `day` (Almaty), an hour apart, as if it had run its course then."""
    start = day_start(day) + datetime.timedelta(hours=9)
    moments = {"received_at": start}
    for offset, column in enumerate(("resolved_at", "closed_at"), start=1):
        if getattr(appeal, column) is not None:
            moments[column] = start + datetime.timedelta(hours=offset)
    if appeal.deadline is not None:
        moments["deadline"] = start + datetime.timedelta(hours=24)
    Appeal.objects.filter(pk=appeal.pk).update(**moments)


def page_figures(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """(kind, code) -> figure -> as shown: the totals and each row of both tables."""
    shown: dict[tuple[str, str], dict[str, str]] = {("total", ""): {}}
    for figure in ("received", "answered", "on-time", "closed"):
        found = re.search(rf'<dd data-figure="{figure}">([^<]*)</dd>', text)
        assert found, figure
        shown["total", ""][figure] = found.group(1)
    tables = {"category": text.split('id="by-topic"')[1].split('id="by-organisation"')[0]}
    tables["organisation"] = text.split('id="by-organisation"')[1].split('id="queue"')[0]
    for kind, table in tables.items():
        for code, cells in re.findall(r'<tr data-code="([^"]*)">(.*?)</tr>', table):
            shown[kind, code] = dict(re.findall(r'<td data-figure="([a-z-]+)">([^<]*)</td>', cells))
    return shown


def file_figures(rows: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """The open data's figures file in the page's terms (its per cent written as the page writes it)."""

    def on_time(value: str) -> str:
        return "—" if value == "" else f"{float(value):.1f} %".replace(".", ",")

    return {
        (row["kind"], row["code"]): {
            "received": row["received"],
            "answered": row["answered"],
            "on-time": on_time(row["answered_on_time_percent"]),
            "closed": row["closed"],
        }
        for row in rows
    }


def test_a_months_figures_are_the_open_data_files_of_that_month(petropavlovsk):
    last_month = current().previous
    day = last_month.first + datetime.timedelta(days=9)
    for status in ("done", "closed", "not_done", "assigned"):
        moved_to(appeal_in(status, category="heating"), day)
    moved_to(appeal_in("done", category="cold-water"), day)
    late = appeal_in("done", category="heating")
    moved_to(late, day)
    Appeal.objects.filter(pk=late.pk).update(resolved_at=day_start(day) + datetime.timedelta(days=3))
    appeal_in("done", category="heating")  # this month's: in neither file nor page of the last
    client = citizen()
    for month in (last_month, current()):
        page = client.get(f"/figures/?month={month.label}")
        text = page.content.decode()
        with translation.override("ru"):
            named = date_format(month.first, "F Y")  # "Ноябрь 2026": a month as a reader says it
        assert page.status_code == 200 and f"{named}, " in text and f">{named}</option>" in text
        assert "в строке ответов может быть больше, чем принятых" in text  # why answered may exceed
        assert f'href="/open-data/figures.csv?month={month.label}"' in text  # the file to compare with
        answer = client.get(f"/open-data/figures.csv?month={month.label}")
        rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode()[1:])))
        assert page_figures(text) == file_figures(rows)
    last = page_figures(client.get(f"/figures/?month={last_month.label}").content.decode())
    heating = last["category", "heating"]
    assert int(heating["received"]) >= 5 and int(heating["answered"]) >= 4 and int(heating["closed"]) >= 1
    assert heating["on-time"] != "—"


MONTH_REFUSED = {
    "kk": {
        "malformed": "Ай ЖЖЖЖ-АА түрінде жазылады",
        "future": "әлі келген жоқ",
        "before": "дейін деректер жоқ",
    },
    "ru": {"malformed": "Месяц пишется как ГГГГ-ММ", "future": "ещё не наступил", "before": "данных нет"},
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_bad_month_is_said_in_the_screens_language_never_a_500(petropavlovsk, language):
    words = MONTH_REFUSED[language]
    client = citizen(language)
    asks = {"malformed": "2026-13", "future": f"{current().after:%Y-%m}", "before": "2001-01"}
    for case, month in asks.items():
        page = client.get("/figures/", {"month": month})
        text = page.content.decode()
        assert page.status_code == 400 and words[case] in text and 'data-code="invalid"' in text, case
        assert WORDS[language]["title"] in text  # the page, with the current month's figures
        download = client.get("/figures/figures.csv", {"month": month})
        assert download.status_code == 400 and words[case] in download.content.decode()
    for month in ("abc", "2026-1", "２０２６-01", "2026-01\x00", "0000-01", "9999-99"):
        assert client.get("/figures/", {"month": month}).status_code == 400, month
        assert client.get("/figures/figures.csv", {"month": month}).status_code == 400, month


def test_a_month_is_offered_and_its_csv_is_the_month(petropavlovsk):
    text = citizen().get("/figures/").content.decode()
    assert f'<option value="{current().label}">' in text  # the days are shown, no month chosen
    chosen = citizen().get(f"/figures/?month={current().label}").content.decode()
    assert f'<option value="{current().label}" selected>' in chosen
    answer = citizen().get(f"/figures/figures.csv?month={current().label}")
    assert answer.status_code == 200
    assert f"-figures-{current().first:%Y%m%d}-" in answer["Content-Disposition"]
