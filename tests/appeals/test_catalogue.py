"""Base catalogues: seeded into every new tenant by onboarding, idempotently; fixtures refuse
mistakes with the file, line and column; routing by category and area."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django_tenants.utils import tenant_context

from appeals.catalogue.fixtures import FixtureError, read_categories
from appeals.catalogue.seed import seed_base_catalogue
from appeals.models import Category, Organisation, RoutingRule
from appeals.rules.routing import route
from tenants.onboarding import onboard_tenant
from tenants.region_data import tenant_spec
from testkit.paths import ROOT


def test_every_onboarded_tenant_has_the_base_catalogue(tenants):
    for tenant in tenants.values():
        with tenant_context(tenant):
            codes = list(Category.objects.filter(parent__code="housing").values_list("code", flat=True))
            assert codes[:3] == ["heating", "hot-water", "cold-water"]  # housing and utilities first
            assert {"sewerage", "electricity", "gas", "lifts", "roofs-entrances", "yards", "roads"} <= set(
                codes
            )
            assert {"street-lighting", "waste", "snow"} <= set(codes)
            assert {"transport", "landscaping", "stray-animals", "social", "other"} <= set(
                Category.objects.filter(parent=None).values_list("code", flat=True)
            )
            gas_leak = Category.objects.get(code="gas-leak")
            assert gas_leak.is_emergency and gas_leak.services_112 == ["104"]
            heating = Category.objects.get(code="heating")
            assert (heating.sla_calendar, heating.sla_hours, heating.name_kk) == (
                "round_the_clock",
                24,
                "Жылумен жабдықтау",
            )
            housing_department = Organisation.objects.get(code="housing-department")
            assert tenant.name_ru in housing_department.name_ru


def test_onboarding_again_changes_nothing_and_keeps_local_edits(tenants):
    with tenant_context(tenants["esil"]):
        Category.objects.filter(code="heating").update(sla_hours=12)
        counts = (Category.objects.count(), Organisation.objects.count(), RoutingRule.objects.count())
    result = onboard_tenant(tenant_spec("esil"))
    assert result.changes == []
    with tenant_context(tenants["esil"]):
        assert (Category.objects.count(), Organisation.objects.count(), RoutingRule.objects.count()) == counts
        assert Category.objects.get(code="heating").sla_hours == 12


def test_the_initializer_restores_what_is_missing(tenants):
    with tenant_context(tenants["kyzylzhar"]):
        RoutingRule.objects.filter(category__code="social").delete()
        assert seed_base_catalogue(tenants["kyzylzhar"]) == "1 routes"
        assert seed_base_catalogue(tenants["kyzylzhar"]) is None


def test_categories_seeded_before_keywords_get_the_catalogues_words(tenants):
    """Migration 0018 on an akimat onboarded earlier: blank categories take the shipped words, a
    category with words of its own keeps them."""
    fill = import_module("appeals.migrations.0018_seeded_category_keywords").seeded_keywords
    with tenant_context(tenants["esil"]):
        shipped = Category.objects.get(code="heating").keywords
        assert "батарея" in shipped and "жылу" in shipped
        Category.objects.filter(code="heating").update(keywords=[])
        Category.objects.filter(code="electricity").update(keywords=["своё слово"])
        try:
            fill(apps, None)
            assert Category.objects.get(code="heating").keywords == shipped
            assert Category.objects.get(code="electricity").keywords == ["своё слово"]
        finally:
            Category.objects.filter(code__in=["heating", "electricity"]).update(keywords=[])
            fill(apps, None)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x,nope,a,b,no,working_days,9,1,normal,no,,0,0,", "parent 'nope' must be listed above"),
        ("x,,a,b,no,weekly,9,1,normal,no,,0,0,", "sla_calendar='weekly'"),
        ("x,,a,b,no,working_days,9,1,normal,yes,,0,0,", "needs its 112 service"),
        ("x,,a,b,no,working_days,9,1,normal,yes,105,0,0,", "services_112='105'"),
        ("x,,a,b,no,working_days,0,1,normal,no,,0,0,", "sla_hours must be positive"),
        ("x,,a,b,no,working_days,nine,1,normal,no,,0,0,", "'nine' is not a whole number"),
    ],
)
def test_fixture_mistakes_name_the_line(tmp_path: Path, row, message):
    header = (ROOT / "appeals/catalogue/data/categories.csv").read_text().splitlines()[0]
    path = tmp_path / "categories.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(FixtureError) as caught:
        read_categories(path)
    assert "categories.csv:2" in str(caught.value) and message in str(caught.value)


def test_routing_prefers_the_covering_area_then_the_default_then_the_parent(petropavlovsk):
    north = Organisation.objects.create(
        code="uk-north", kind="management_company", name_kk="С", name_ru="УК Север"
    )
    square = Polygon(
        ((69.10, 54.87), (69.20, 54.87), (69.20, 54.92), (69.10, 54.92), (69.10, 54.87)), srid=4326
    )
    yards = Category.objects.get(code="yards")
    RoutingRule.objects.create(
        category=yards, area=MultiPolygon(square, srid=4326), area_name="Север", organisation=north
    )

    inside, outside = Point(69.15, 54.90, srid=4326), Point(69.15, 54.85, srid=4326)
    assert route(yards, inside) == north
    # No rule of its own outside the area: the parent group's default (housing department).
    assert route(yards, outside).code == "housing-department"
    assert route(yards, None).code == "housing-department"
    assert route(Category.objects.get(code="stray-animals"), inside).code == "veterinary-station"
