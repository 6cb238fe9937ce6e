"""The akimat's public outages page: anyone sees the outages on now and planned within a week, with
their streets and houses, in Kazakh or Russian; nothing personal; a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from testkit.queries import exact_queries
from tests.citymap.test_outages import heating_outage


def citizen(language: str) -> Client:
    client = Client(HTTP_HOST="petropavlovsk.localhost")
    client.cookies["django_language"] = language
    return client


# the outages; their streets and houses (no session: an anonymous citizen)
PAGE_QUERIES = 2


@pytest.mark.parametrize(
    ("language", "kind", "street"), [("kk", "Жылу", "Абай көшесі"), ("ru", "Отопление", "ул. Абая")]
)
def test_anyone_sees_the_current_outages_with_their_houses(city, language, kind, street):
    outage = heating_outage(city, cause="Т-2-1 жылу трассасының жарылуы / Порыв теплотрассы Т-2-1")
    later = timezone.now() + datetime.timedelta(days=30)
    heating_outage(
        city, starts_at=later, expected_end_at=later + datetime.timedelta(hours=4), nature="planned"
    )
    client = citizen(language)
    client.get("/track/")  # warm: the akimat by its host, once a process
    with exact_queries(PAGE_QUERIES):
        page = client.get("/outages/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("data-outage=") == 1 and f'data-outage="{outage.pk}"' in text  # not a month ahead
    assert kind in text and f"{street}: 1, 2, 5, 11" in text
    cause = {"kk": "Т-2-1 жылу трассасының жарылуы", "ru": "Порыв теплотрассы Т-2-1"}
    assert f"<p>{cause[language]}</p>" in text  # the cause given "kk / ru": the screen's half
    assert "+7" not in text  # no caller's phone


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_cause_typed_in_one_language_with_a_slash_is_shown_whole(city, language):
    # Only a half with Kazakh's own letters before one without is split: a Russian text with
    # " / " is one text. A Kazakh half without them is shown with its Russian one (both, never cut).
    heating_outage(city, cause="Порыв трубы / замена задвижки на Т-2")
    heating_outage(city, cause="Т-3 жылу трассасы жарылды / Порыв теплотрассы Т-3")
    heating_outage(city, cause="Замена задвижки / Құбырды ауыстыру")  # Russian first: still halved
    text = citizen(language).get("/outages/").content.decode()
    assert {"kk": "<p>Құбырды ауыстыру</p>", "ru": "<p>Замена задвижки</p>"}[language] in text
    assert "<p>Порыв трубы / замена задвижки на Т-2</p>" in text
    assert "<p>Т-3 жылу трассасы жарылды / Порыв теплотрассы Т-3</p>" in text


def test_no_outage_says_so(city):
    assert 'id="no-outages"' in citizen("ru").get("/outages/").content.decode()


@pytest.mark.parametrize(
    ("language", "said"),
    [("kk", "Болжанған аяқталу уақыты өтті"), ("ru", "Ожидаемое время окончания прошло")],
)
def test_an_outage_past_its_expected_end_says_the_work_goes_on(city, language, said):
    now = timezone.now()
    late = heating_outage(
        city,
        starts_at=now - datetime.timedelta(hours=5),
        expected_end_at=now - datetime.timedelta(minutes=10),
    )
    on_time = heating_outage(city)
    text = citizen(language).get("/outages/").content.decode()
    late_part = text[text.index(f'data-outage="{late.pk}"') :].split("</article>")[0]
    on_time_part = text[text.index(f'data-outage="{on_time.pk}"') :].split("</article>")[0]
    assert "data-overdue" in late_part and said in late_part
    assert "data-overdue" not in on_time_part
