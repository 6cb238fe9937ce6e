"""The region's public figures `/figures/` on the regional host (decision 102): a bad period is
said, the cost is fixed, and the region's landing speaks one language and leads there. That an
appeal counts once it reached the region: tests/regional/test_public_figures.py (it commits)."""

from __future__ import annotations

from django.test import Client

from accounts.keycloak_realm import web_origin
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
    with exact_queries(4):  # the akimats, then the read model's period, snapshot and escalations
        assert client.get("/figures/?days=90").status_code == 200


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
