"""Fixtures of the map's tests: Petropavlovsk's schema with the organisations the small city names,
the city imported through the real service, principals with roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.roles import Role
from appeals.events import SYSTEM
from appeals.models import Organisation, ResponsiblePerson
from citymap.imports.service import import_city_objects
from citymap.models import MapObject
from testkit.identities import logged_in, principal, user_with_roles
from tests.citymap.city import city_features, geojson

OPERATOR = principal(Role.OPERATOR, name="operator")
SUPERVISOR = principal(Role.SUPERVISOR, name="supervisor")
ANALYST = principal(Role.ANALYST, name="analyst")
EXECUTOR = principal(Role.EXECUTOR, name="executor", organisation="heat-network")


@pytest.fixture(autouse=True)
def _fresh_catalogue_caches() -> Iterator[None]:
    from appeals.catalogue.cache import forget_categories
    from appeals.rules.calendar import forget_tenant_calendar

    forget_categories()
    forget_tenant_calendar()
    yield


@pytest.fixture
def organisations(petropavlovsk) -> dict[str, Organisation]:
    made = {}
    for code, kind, people in (
        ("heat-network", "utility", ["Серик Жакупов", "Андрей Литвиненко"]),
        ("power-grid", "utility", ["Виктор Горбунов"]),
        ("osi-test", "management_company", ["Людмила Ким"]),
    ):
        organisation = Organisation.objects.create(
            code=code, kind=kind, name_kk=f"{code} kk", name_ru=f"{code} ru"
        )
        for index, name in enumerate(people):
            ResponsiblePerson.objects.create(organisation=organisation, full_name=name, is_head=index == 0)
        made[code] = organisation
    return made


@pytest.fixture
def city(organisations) -> dict[str, MapObject]:
    """The small city imported; its objects by `kind:external_id`."""
    report = import_city_objects(SYSTEM, geojson(city_features()), filename="city.geojson")
    assert report.imported, [(r.number, [p.text for p in r.problems]) for r in report.rejected]
    return {obj.key: obj for obj in MapObject.objects.select_related("street")}


@pytest.fixture
def operator_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("map-operator", "operator"))


@pytest.fixture
def supervisor_client(petropavlovsk) -> Client:
    return logged_in(user_with_roles("map-supervisor", "supervisor"))


@pytest.fixture
def anonymous_client(petropavlovsk) -> Client:
    return Client(HTTP_HOST="petropavlovsk.localhost")
