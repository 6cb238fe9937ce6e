"""The akimat's open data `/open-data/` (decision 111): a month's appeals as the public may see them
in CSV, JSON and GeoJSON (never the applicant, their words or an emergency; the address as the
public rule gives it, the point coarsened), a month's bounds in Almaty time, the catalogue and the
month's figures, the dictionary in one language, bad input said in it, a fixed number of SQL
statements whatever the rows, and answers a proxy may keep for a while."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.test import Client

from appeals.kpi_definitions import ALMATY, day_start
from appeals.models import Appeal
from appeals.reads.open_data import APPEAL_COLUMNS, CATEGORY_COLUMNS, FIGURE_COLUMNS, ORGANISATION_COLUMNS
from consoles.months import current
from consoles.open_data.datasets import DESCRIBED
from testkit.queries import exact_queries
from tests.appeals.conftest import appeal_in, intake

PHONE = "+77051230077"
NAME = "Гульнара Ахметова"
WORDS = "Сосед-алкоголик Ерлан опять залил"  # the citizen's own words: never public
SPOT = (69.14567, 54.87234)


def citizen(language: str = "ru") -> Client:
    client = Client(HTTP_HOST="petropavlovsk.localhost")
    client.cookies["django_language"] = language
    return client


def body(answer) -> str:
    return b"".join(answer.streaming_content).decode() if answer.streaming else answer.content.decode()


def csv_rows(answer) -> list[dict[str, str]]:
    text = body(answer)
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def rows_of(answer, extension: str) -> dict[int, dict[str, object]]:
    """number -> row, whatever the format (GeoJSON's properties with its point as the two columns)."""
    if extension == "csv":
        return {int(row["number"]): row for row in csv_rows(answer)}
    document = json.loads(body(answer))
    if extension == "json":
        return {row["number"]: row for row in document["appeals"]}
    rows = {}
    for feature in document["features"]:
        point = feature["geometry"]["coordinates"] if feature["geometry"] else [None, None]
        rows[feature["id"]] = feature["properties"] | {"longitude": point[0], "latitude": point[1]}
    return rows


def plain(value: object) -> str:
    """A value as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("extension", ["csv", "json", "geojson"])
def test_an_appeal_is_there_with_its_public_fields_only(petropavlovsk, extension):
    worked = appeal_in(
        "assigned",
        phone=PHONE,
        applicant_name=NAME,
        description=WORDS,
        address="ул. Абая, 3, кв. 9",
        location=SPOT,
    )
    unread = intake(phone=PHONE, applicant_name=NAME, description=WORDS, address="ул. Абая, 5", location=SPOT)
    done = appeal_in("done", phone=PHONE, description=WORDS)
    emergency = intake(category="medical", phone=PHONE, description=WORDS)
    cancelled = appeal_in("cancelled", phone=PHONE)
    answer = citizen().get(f"/open-data/appeals.{extension}")
    assert answer.status_code == 200 and answer.streaming
    text = body(citizen().get(f"/open-data/appeals.{extension}"))
    for secret in (PHONE, "77051230077", NAME, "Ахметова", "Ерлан", "кв. 9"):
        assert secret not in text, secret
    rows = rows_of(citizen().get(f"/open-data/appeals.{extension}"), extension)
    assert emergency.number not in rows and cancelled.number not in rows
    row = {name: plain(value) for name, value in rows[worked.number].items()}
    assert set(row) == set(APPEAL_COLUMNS)
    assert row["category_code"] == "heating" and row["category_name_ru"] == "Отопление"
    assert row["category_name_kk"] == "Жылумен жабдықтау" and row["status"] == "assigned"
    assert row["organisation_code"] == worked.organisation.code and row["organisation_name_ru"]
    assert row["address"] == "ул. Абая, 3"  # the building, not the flat
    assert (row["longitude"], row["latitude"]) == ("69.146", "54.872")  # a block, not the door
    assert row["received_at"] == worked.received_at.astimezone(ALMATY).isoformat(timespec="seconds")
    assert row["received_at"].endswith("+05:00") and row["deadline"].endswith("+05:00")
    assert (row["answered"], row["answered_at"], row["answered_on_time"]) == ("false", "", "")
    assert (row["overdue_now"], row["repeat_count"], row["closed_at"]) == ("false", "0", "")
    hidden = {name: plain(value) for name, value in rows[unread.number].items()}
    assert (hidden["address"], hidden["longitude"], hidden["latitude"]) == ("", "", "")  # nobody read it yet
    answered = {name: plain(value) for name, value in rows[done.number].items()}
    assert (answered["status"], answered["answered"]) == ("done", "true")
    assert answered["answered_on_time"] == "true"
    assert answered["answered_at"].endswith("+05:00")


def test_a_month_is_bounded_by_almatys_midnights(petropavlovsk):
    this = current()
    last_of_before = intake()
    first_of_this = intake()
    Appeal.objects.filter(pk=last_of_before.pk).update(
        received_at=day_start(this.first) - datetime.timedelta(seconds=1)
    )
    Appeal.objects.filter(pk=first_of_this.pk).update(received_at=day_start(this.first))
    before = rows_of(citizen().get(f"/open-data/appeals.csv?month={this.previous.label}"), "csv")
    now = rows_of(citizen().get(f"/open-data/appeals.csv?month={this.label}"), "csv")
    assert last_of_before.number in before and last_of_before.number not in now
    assert first_of_this.number in now and first_of_this.number not in before
    assert before[last_of_before.number]["received_at"] == f"{this.previous.last:%Y-%m-%d}T23:59:59+05:00"
    assert now[first_of_this.number]["received_at"] == f"{this.first:%Y-%m-%d}T00:00:00+05:00"
    # The default is the current month.
    assert first_of_this.number in rows_of(citizen().get("/open-data/appeals.csv"), "csv")


@pytest.mark.parametrize("extension", ["csv", "json", "geojson"])
def test_a_months_download_costs_two_statements_whatever_its_rows(petropavlovsk, extension):
    client = citizen()
    body(client.get(f"/open-data/appeals.{extension}"))  # warm: the akimat of the host, once a process
    for _ in range(2):
        appeal_in("assigned")
    with exact_queries(2) as captured:  # the first appeal's day, then the month through one cursor
        few = rows_of(client.get(f"/open-data/appeals.{extension}"), extension)
    assert "DECLARE" in captured.captured_queries[-1]["sql"] or len(few) >= 2
    for _ in range(7):
        appeal_in("done")
    with exact_queries(2):
        many = rows_of(client.get(f"/open-data/appeals.{extension}"), extension)
    assert len(many) == len(few) + 7


def test_the_catalogue_and_the_months_figures(petropavlovsk):
    appeal_in("done")
    client = citizen()
    client.get("/open-data/categories.csv")
    with exact_queries(1):
        categories = {row["code"]: row for row in csv_rows(client.get("/open-data/categories.csv"))}
    heating = categories["heating"]
    assert heating["parent"] == "housing" and heating["name_kk"] == "Жылумен жабдықтау"
    assert (heating["sla_calendar"], heating["sla_hours"]) == ("round_the_clock", "24")
    assert (heating["emergency"], categories["medical"]["emergency"]) == ("false", "true")
    organisations = csv_rows(client.get("/open-data/organisations.csv"))
    assert list(organisations[0]) == ["code", "kind", "name_kk", "name_ru", "active"]  # no phone, e-mail
    with exact_queries(2):
        catalogue = json.loads(body(client.get("/open-data/catalogue.json")))
    assert catalogue["licence"] == "CC BY 4.0" and catalogue["akimat"] == "petropavlovsk"
    assert {c["code"] for c in catalogue["categories"]} == set(categories)
    with exact_queries(3):  # the first appeal's day, the figures grouped, their names
        figures = csv_rows(client.get("/open-data/figures.csv"))
    total = figures[0]
    assert total["kind"] == "total" and int(total["received"]) >= 1 and int(total["answered"]) >= 1
    topic = next(r for r in figures if r["kind"] == "category" and r["code"] == "heating")
    assert topic["name_ru"] == "Отопление" and int(topic["received"]) >= 1
    document = json.loads(body(client.get(f"/open-data/figures.json?month={current().label}")))
    assert document["month"] == current().label and document["figures"][0]["kind"] == "total"


REFUSED = {
    "kk": {
        "malformed": "Ай ЖЖЖЖ-АА түрінде жазылады",
        "future": "әлі келген жоқ",
        "before": "дейін деректер жоқ",
        "format": "жарияланбайды",
        "dataset": "деректер жинағы жоқ",
    },
    "ru": {
        "malformed": "Месяц пишется как ГГГГ-ММ",
        "future": "ещё не наступил",
        "before": "данных нет",
        "format": "не публикуется",
        "dataset": "Набора данных",
    },
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_bad_input_is_said_in_the_screens_language(petropavlovsk, language):
    words = REFUSED[language]
    client = citizen(language)
    later = current().after
    asks = {"malformed": "2026-13", "future": f"{later:%Y-%m}", "before": "2001-01"}
    for case, month in asks.items():
        page = client.get(f"/open-data/?month={month}")
        assert page.status_code == 400 and words[case] in page.content.decode(), (case, month)
        assert 'data-code="invalid"' in page.content.decode()
        download = client.get(f"/open-data/appeals.csv?month={month}")
        assert download.status_code == 400 and download["Content-Type"].startswith("text/plain")
        assert words[case] in download.content.decode() and download["Cache-Control"] == "no-store"
    for month in ("abc", "2026-1", "２０２６-01", "2026-01\x00", "0000-01"):
        assert client.get("/open-data/figures.json", {"month": month}).status_code == 400
    unknown = client.get("/open-data/appeals.xml")
    assert unknown.status_code == 404 and words["format"] in unknown.content.decode()
    assert "appeals.csv, appeals.json, appeals.geojson" in unknown.content.decode()
    nothing = client.get("/open-data/people.csv")
    assert nothing.status_code == 404 and words["dataset"] in nothing.content.decode()


WORDING = {
    "kk": {"title": "109 желісінің ашық деректері", "dictionary": "Деректер сөздігі", "other": "Словарь"},
    "ru": {"title": "Открытые данные линии 109", "dictionary": "Словарь данных", "other": "сөздігі"},
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_page_lists_each_dataset_with_its_dictionary_in_one_language(petropavlovsk, language):
    words = WORDING[language]
    page = citizen(language).get("/open-data/")
    text = page.content.decode()
    assert page.status_code == 200 and f'<html lang="{language}">' in text
    assert words["title"] in text and words["dictionary"] in text and words["other"] not in text
    for columns in (APPEAL_COLUMNS, CATEGORY_COLUMNS, ORGANISATION_COLUMNS, FIGURE_COLUMNS):
        for name in columns:
            assert f'data-column="{name}"' in text
    month = current().label
    for file in ("appeals.csv", "appeals.json", "appeals.geojson", "figures.csv"):
        assert f'href="{file}?month={month}"' in text
    assert 'href="categories.csv"' in text and 'href="catalogue.json"' in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert f'<option value="{month}" selected>' in text
    assert 'href="/open-data/"' in citizen(language).get("/").content.decode()
    assert 'href="/open-data/"' in citizen(language).get("/figures/").content.decode()


# A month as a reader says it, as the public figures name it (their select, their heading).
MONTH_NAMES = {
    "kk": "Қаңтар Ақпан Наурыз Сәуір Мамыр Маусым Шілде Тамыз Қыркүйек Қазан Қараша Желтоқсан",
    "ru": "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь",
}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_page_names_its_months_as_the_public_figures_do(petropavlovsk, language):
    """What a person reads says "Ноябрь 2026"; the addresses and the files keep 2026-11."""
    month = current()
    named = f"{MONTH_NAMES[language].split()[month.first.month - 1]} {month.first.year}"
    text = citizen(language).get("/open-data/").content.decode()
    assert f'<option value="{month.label}" selected>{named}</option>' in text
    assert f'<span class="hint">CSV, {named}</span>' in text  # beside each month's file
    assert f'href="appeals.csv?month={month.label}"' in text
    assert f">{month.label}<" not in text and f", {month.label}<" not in text
    figures = citizen(language).get(f"/figures/?month={month.label}").content.decode()
    assert f'<option value="{month.label}" selected>{named}</option>' in figures


def test_the_dictionary_describes_every_column_in_order():
    for columns, dictionary in DESCRIBED.items():
        assert tuple(column.name for column in dictionary) == columns


def test_a_proxy_may_keep_a_file_for_a_while(petropavlovsk):
    client = citizen()
    now = client.get("/open-data/appeals.csv")
    assert now["Cache-Control"] == "max-age=300, public" and now.has_header("Expires")
    older = intake()
    Appeal.objects.filter(pk=older.pk).update(
        received_at=day_start(current().first) - datetime.timedelta(days=3)
    )
    earlier = client.get(f"/open-data/appeals.csv?month={current().previous.label}")
    assert earlier["Cache-Control"] == "max-age=3600, public"
    catalogue = client.get("/open-data/categories.csv")
    assert catalogue["Cache-Control"] == "max-age=3600, public"
    # Nothing of the visitor is set; a proxy keeps a copy per language and cookie (Django's locale and
    # session middleware say so on every answer), so scripts, which send neither, share one.
    assert not now.cookies and now["Vary"] == "Accept-Language, Cookie"


@pytest.mark.parametrize("path", ["/open-data/", "/open-data/appeals.csv", "/open-data/catalogue.json"])
def test_a_link_checker_may_ask_with_head(petropavlovsk, path):
    """HEAD is how link checkers and download managers probe a published address."""
    got, asked = citizen().get(path), citizen().head(path)
    assert asked.status_code == 200 and asked["Content-Type"] == got["Content-Type"]
    assert citizen().post(path).status_code == 405
