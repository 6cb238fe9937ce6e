"""Demo organisations, their people and routing rules, from editable JSON files in data/."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from appeals.catalogue.fixtures import OrganisationRow
from appeals.catalogue.seed import ensure_organisations, ensure_people
from appeals.models import Category, Organisation, ResponsiblePerson, RoutingRule

DATA = Path(__file__).resolve().parent / "data"


def load_fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def give_demo_addresses(codes: list[str]) -> None:
    """E-mail addresses for the demo's organisations and their heads that have none, under the
    reserved `.example` domain: `make run` writes each notice it would send to `.local/dev/mail/`,
    so a newcomer sees one (nothing is ever sent there)."""
    domain = f"{connection.schema_name}.example"
    for organisation in Organisation.objects.filter(code__in=codes, email=""):
        organisation.email = f"{organisation.code}@{domain}"
        organisation.save(update_fields=["email"])
    heads = ResponsiblePerson.objects.filter(organisation__code__in=codes, is_head=True, email="")
    for person in heads.select_related("organisation"):
        person.email = f"head.{person.organisation.code}@{domain}"
        person.save(update_fields=["email"])


def ensure_demo_catalogue(fixture: str, names: dict[str, str]) -> int:
    """Organisations, people and routes of one demo fixture; only what is missing. Returns rows made."""
    document = load_fixture(fixture)
    made_orgs, made_people = ensure_organisations(
        [OrganisationRow(**item) for item in document.get("organisations", [])], names
    )
    made = made_orgs + made_people
    for code, people in document.get("people", {}).items():
        made += ensure_people(Organisation.objects.get(code=code), people)
    give_demo_addresses([item["code"] for item in document.get("organisations", [])])
    areas = {
        name: MultiPolygon(Polygon(ring, srid=4326), srid=4326)
        for name, ring in document.get("areas", {}).items()
    }
    for route in document.get("routes", []):
        category = Category.objects.get(code=route["category"])
        organisation = Organisation.objects.get(code=route["organisation"])
        area_name = route.get("area", "")
        if area_name:
            _, created = RoutingRule.objects.get_or_create(
                category=category,
                area_name=area_name,
                defaults={"area": areas[area_name], "organisation": organisation},
            )
        else:
            _, created = RoutingRule.objects.get_or_create(
                category=category, area__isnull=True, defaults={"organisation": organisation}
            )
        made += created
    return made
