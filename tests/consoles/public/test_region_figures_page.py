"""The region's public figures `/figures/` on the regional host (decision 102): a bad period is
said, the cost is fixed, a calendar month is offered by name and counts its days of the read model,
and the region's landing speaks one language and leads there. That an
appeal counts once it reached the region: tests/regional/test_public_figures.py (it commits)."""

from __future__ import annotations

import datetime
import re

from django.db.models import F
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from accounts.keycloak_realm import web_origin
from consoles.months import current
from regional.models import ALL, DailyTally
from testkit.queries import exact_queries


def anyone(language: str = "ru") -> Client:
    client = Client(HTTP_HOST="localhost")
    client.cookies["django_language"] = language
    return client


def test_a_bad_period_is_said_and_the_cost_is_fixed(tenants):
    refused = anyone().get("/figures/?days=1")
    assert refused.status_code == 400 and "7, 30 или 90" in refused.content.decode()
    client = anyone()
    client.get("/figures/?days=90")
    # The akimats, the read model's first day (the months offered), its period, snapshot, escalations.
    with exact_queries(5):
        assert client.get("/figures/?days=90").status_code == 200
    with exact_queries(5):
        assert client.get(f"/figures/?month={current().label}").status_code == 200


def figures(text: str, slug: str) -> list[str]:
    row = re.search(rf'<tr data-akimat="{slug}">.*?</tr>', text, re.DOTALL)
    assert row, slug
    return re.findall(r"<td>([^<]*)</td>", row.group())


def counted(schema: str, day: datetime.date, **added: int) -> None:
    """The read model's tally of a day for the akimat and the region, with `added` on top."""
    for scope in (schema, ALL):
        DailyTally.objects.get_or_create(scope=scope, category=ALL, day=day)
        DailyTally.objects.filter(scope=scope, category=ALL, day=day).update(
            **{name: F(name) + value for name, value in added.items()}
        )


def test_a_calendar_month_counts_its_days_of_the_read_model(tenants):
    """Last month's 10th: in last month's figures (closed in place of overdue now, as an akimat's
    month), not in this month's; the month named in the screen's language, as an akimat's page."""
    last = current().previous
    client = anyone()
    before = figures(client.get(f"/figures/?month={last.label}").content.decode(), "petropavlovsk")
    this_before = figures(client.get(f"/figures/?month={current().label}").content.decode(), "petropavlovsk")
    day = last.first + datetime.timedelta(days=9)
    counted(tenants["petropavlovsk"].schema_name, day, received=5, resolved=4, resolved_on_time=3, closed=2)

    page = client.get(f"/figures/?month={last.label}")
    text = page.content.decode()
    received, answered, _, closed = figures(text, "petropavlovsk")
    assert page.status_code == 200
    assert (int(received), int(answered), int(closed)) == (
        int(before[0]) + 5,
        int(before[1]) + 4,
        int(before[3]) + 2,
    )
    assert ">Закрыто</th>" in text and ">Просрочено сейчас</th>" not in text
    with translation.override("ru"):
        named = date_format(last.first, "F Y")
    assert f'<option value="{last.label}" selected>{named}</option>' in text
    assert f"{named}, {last.first:%d.%m.%Y} – {last.last:%d.%m.%Y}." in text
    assert f'href="/open-data/?month={last.label}"' in text
    this = figures(client.get(f"/figures/?month={current().label}").content.decode(), "petropavlovsk")
    assert this == this_before
    kazakh = anyone("kk").get(f"/figures/?month={last.label}").content.decode()
    with translation.override("kk"):
        assert f">{date_format(last.first, 'F Y')}</option>" in kazakh


def test_a_month_not_offered_is_said_with_the_days_shown(tenants):
    refused = anyone().get("/figures/?month=2001-01")
    text = refused.content.decode()
    assert refused.status_code == 400 and "данных нет" in text
    assert 'data-figure="received"' in text


def test_the_regions_landing_speaks_one_language_and_leads_to_the_figures(tenants):
    kazakh = anyone("kk").get("/").content.decode()
    russian = anyone("ru").get("/").content.decode()
    assert 'href="/figures/">Облыстың 109 желілерінің көрсеткіштері<' in kazakh and "Акиматы" not in kazakh
    assert 'href="/figures/">Показатели линий 109 области<' in russian and "Әкімдіктер" not in russian
    assert "petropavlovsk.localhost" in russian and "sandbox.localhost" not in russian
    assert "CC BY 4.0" in russian  # the boundaries' credit line stays
    assert "(ӘАОЖ 591" in kazakh and "(КАТО 591" in russian and "KATO" not in kazakh + russian


def test_a_link_to_an_akimats_host_carries_the_language_and_the_host_keeps_it(tenants):
    """A cookie is one host's: the region's links say the screen's language to the akimat's host."""
    # At the platform's public origin (make run's nginx port), not the port the app was asked on.
    site = web_origin("petropavlovsk.localhost")
    assert site.startswith("http://petropavlovsk.localhost:") and not site.endswith(":80")
    landing = anyone("kk").get("/", SERVER_PORT="18000").content.decode()
    assert f'href="{site}/?lang=kk"' in landing and ":18000" not in landing
    figures = anyone("kk").get("/figures/").content.decode()
    assert f'href="{site}/figures/?lang=kk"' in figures

    citizen = Client(HTTP_HOST="petropavlovsk.localhost", HTTP_ACCEPT_LANGUAGE="ru")
    arrived = citizen.get("/figures/?lang=kk")
    assert arrived.cookies["django_language"].value == "kk"
    assert "109 желісінің көрсеткіштері" in arrived.content.decode()
    # The next page on this host, without the parameter, stays in Kazakh; a bad value changes nothing.
    assert "109 желісінің көрсеткіштері" in citizen.get("/figures/").content.decode()
    ignored = citizen.get("/figures/?lang=en")
    assert "django_language" not in ignored.cookies and "желісінің" in ignored.content.decode()
