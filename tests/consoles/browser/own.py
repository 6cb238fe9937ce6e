"""What a browser test makes for itself, so that no other test's rows can change what it sees:
a phone, a place in the akimat away from the others', an organisation, an appeal brought to a
status through the real actions. Rows are committed (the web server must see them)."""

from __future__ import annotations

import random
import uuid

import redis
from django.conf import settings
from django.contrib.gis.geos import Point
from django_tenants.utils import schema_context, tenant_context

from accounts.roles import Role
from appeals import actions
from appeals.actions import AppealInput
from appeals.events import SYSTEM
from appeals.models import Appeal, Organisation
from citymap.imports.service import import_city_objects
from citymap.models import AppealObject, MapObject, Outage, OutageBuilding, OutageLink, Street
from testkit.identities import principal
from tests.citymap.city import feature, geojson


def unique_phone() -> str:
    return f"+7705{uuid.uuid4().int % 10_000_000:07d}"


def own_spot(tenant: object) -> tuple[float, float]:
    """(longitude, latitude) of a random point inside the akimat: another test's appeals are almost
    never within a category's repeat radius of it (what nearest-first lists could otherwise mix)."""
    boundary = tenant.boundary
    west, south, east, north = boundary.extent
    chance = random.Random(uuid.uuid4().int)
    for _ in range(500):
        point = Point(chance.uniform(west, east), chance.uniform(south, north), srid=4326)
        if boundary.buffer(-0.002).contains(point):  # well inside: no transfer proposed
            return point.x, point.y
    raise AssertionError(f"no point found inside {tenant.slug}")


def own_organisation(slug: str, kind: str = "utility") -> str:
    """A responsible organisation of the test's own in the akimat's catalogue; its code."""
    code = f"test-org-{uuid.uuid4().hex[:8]}"
    with schema_context(slug):
        Organisation.objects.create(
            code=code,
            kind=kind,
            name_kk=f"Сынақ ұйымы {code[-4:]}",
            name_ru=f"Тестовая организация {code[-4:]}",
        )
    return code


def own_house(tenant: object, spot: tuple[float, float], organisation: str, house: str) -> int:
    """A house of the test's own on Сәкен Сейфуллин көшесі, imported through the map's service."""
    content = geojson(
        [
            feature(
                {"type": "Point", "coordinates": list(spot)},
                kind="building",
                external_id=f"browser-{uuid.uuid4().hex[:10]}",
                street_ru="ул. Сакена Сейфуллина",
                street_kk="Сәкен Сейфуллин көшесі",
                house=house,
                organisation=organisation,
            )
        ]
    )
    with tenant_context(tenant):  # the import checks the akimat's boundary
        report = import_city_objects(SYSTEM, content, filename="house.geojson")
        assert report.imported, report
        return MapObject.objects.get(street__name_ru__contains="Сейфуллина", house=house).pk


def remove_map(slug: str, building_id: int) -> None:
    with schema_context(slug):
        outages = Outage.objects.filter(buildings__building_id=building_id)
        OutageLink.objects.filter(outage__in=outages).delete()
        OutageBuilding.objects.filter(outage__in=outages).delete()
        Outage.objects.filter(pk__in=list(outages.values_list("pk", flat=True))).delete()
        AppealObject.objects.filter(map_object_id=building_id).delete()
        MapObject.objects.filter(pk=building_id).delete()
        Street.objects.filter(buildings__isnull=True).delete()


def appeal_at(
    slug: str,
    spot: tuple[float, float],
    *,
    organisation: str | None = None,
    status: str = "assigned",
    description: str | None = None,
    phone: str | None = None,
    category: str = "heating",
    language: str = "",
) -> Appeal:
    """A new appeal at `spot`, assigned to `organisation` (else routed) and taken on to `status`:
    assigned, in_progress, done, citizen_informed, through the real actions."""
    operator = principal(Role.OPERATOR, name="browser-test-operator", tenant=slug)
    with schema_context(slug):
        appeal = actions.create_appeal(
            operator,
            AppealInput(
                channel="landline",
                description=description or f"Батарея суық / Холодные батареи {uuid.uuid4().hex[:6]}",
                applicant_phone=phone or unique_phone(),
                applicant_name="Айгерим Садыкова",
                address=f"ул. Жамбыла, {uuid.uuid4().int % 200 + 1}",
                longitude=spot[0],
                latitude=spot[1],
                category_code=category,
                language=language,
            ),
        ).appeal
        number = appeal.number
        actions.register_appeal(operator, number)
        actions.assign_appeal(operator, number, organisation_code=organisation or "")
        organisation = Appeal.objects.values_list("organisation__code", flat=True).get(number=number)
        executor = principal(
            Role.EXECUTOR, name="browser-test-executor", tenant=slug, organisation=organisation
        )
        steps = ["in_progress", "done", "citizen_informed"]
        wanted = steps.index(status) + 1 if status in steps else 0
        if wanted >= 1:
            actions.start_work(executor, number)
        if wanted >= 2:
            actions.mark_done(executor, number, resolution="Стояк жөнделді / Стояк отремонтирован")
        if wanted >= 3:
            actions.record_callback(operator, number, reached=True, satisfied=True)
        appeal = Appeal.objects.select_related("organisation").get(number=number)
    assert appeal.status == status, (appeal.status, status)
    return appeal


def forget_tracking_guesses_of_this_machine(slug: str) -> None:
    """The browser reaches the server from 127.0.0.1: its wrong answers of earlier runs (the counters
    live in Redis, which outlives a run) must not lock this run's citizen out."""
    client = redis.Redis.from_url(getattr(settings, "APPEALS_TRACKING_REDIS_URL", settings.CACHE_REDIS_URL))
    client.delete(f"appeals:tracking:{slug}:address:127.0.0.1")


def forget_portal_appeals_of_this_machine(slug: str) -> None:
    """The same for the portal's count of appeals sent from 127.0.0.1 (decision 100), and of the
    photos kept for its refused forms (decision 109)."""
    client = redis.Redis.from_url(getattr(settings, "APPEALS_TRACKING_REDIS_URL", settings.CACHE_REDIS_URL))
    client.delete(f"appeals:portal:{slug}:address:127.0.0.1", f"appeals:portal:{slug}:kept-photos:127.0.0.1")
