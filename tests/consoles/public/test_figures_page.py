"""The akimat's public figures `/figures/` (decision 102): anyone sees how the 109 line did, in
Kazakh or Russian, by topic and organisation, the queue being worked without anything of who sent
it, and the same figures as CSV; a bad period is said, not ignored; a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

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
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    totals = rows[0]
    assert totals["kind"] == "total" and int(totals["answered"]) >= 1
    heating = next(r for r in rows if r["kind"] == "category" and r["code"] == "heating")
    assert heating["name_ru"] == "Отопление" and heating["name_kk"] == "Жылумен жабдықтау"
    assert int(heating["received"]) >= 1 and 0 <= float(heating["sla_compliance"] or 0) <= 1
    assert {r["kind"] for r in rows} <= {"total", "category", "organisation"}
    assert PHONE not in answer.content.decode()
    refused = citizen().get("/figures/figures.csv?days=365")
    assert refused.status_code == 400 and "30" in refused.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(petropavlovsk):
    client = citizen()
    client.get("/figures/")  # warm: the akimat of the host, once a process
    for _ in range(2):
        appeal_in("assigned")
    with exact_queries(3):  # the figures grouped, their names, the queue
        client.get("/figures/")
    for _ in range(4):
        appeal_in("done")
    with exact_queries(3):
        client.get("/figures/")
