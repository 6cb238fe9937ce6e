"""The demo map: Petropavlovsk's buildings on real street names inside its real boundary, where the
demo appeals put them (their objectKeys name buildings of the map), its network and outages; the
districts' smaller sets; a second run changes nothing."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import tenant_context

from appeals.reads.queues import callback_queue
from citymap.models import AppealObject, MapObject, ObjectWork, Outage, ServiceLink, Street
from citymap.search.addresses import search_addresses
from demo.appeals import seed_tenant as seed_appeals
from demo.citymap import seed_tenant as seed_map
from federation.hotspots.kinds import RANKING_KIND
from federation.messaging.models import Message


def outside(boundary) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM citymap_mapobject WHERE NOT ST_Covers(ST_GeomFromEWKB(%s), geometry)",
            [bytes(boundary.ewkb)],
        )
        return cursor.fetchone()[0]


def test_petropavlovsk_gets_its_map(tenants):
    city = tenants["petropavlovsk"]
    seed_appeals(city, scale=0.05)
    message = seed_map(city)
    assert "petropavlovsk: map" in message and "3 outages" in message
    with tenant_context(city):
        assert MapObject.objects.filter(kind="building").count() == 3500
        assert Street.objects.count() == 35
        assert outside(city.boundary) == 0
        kinds = set(MapObject.objects.values_list("kind", flat=True))
        assert kinds == {"building", "yard", "well", "manhole", "substation", "boiler_house", "pipe", "cable",
                         "street_light", "road"}  # fmt: skip
        assert (
            ServiceLink.objects.filter(supplier__kind="substation").count() == 3500
        )  # each house its substation
        assert (
            MapObject.objects.filter(kind="yard", area_m2__gt=2600, area_m2__lt=2800).count() == 12
        )  # 60 x 45 m
        # The demo appeals that name a building are linked to it.
        keyed = AppealObject.objects.count()
        assert keyed > 100 and keyed == AppealObject.objects.filter(map_object__kind="building").count()
        assert search_addresses("Жұмабаев көшесі 12")[0].external_id == "zhumabaeva-12"
        assert search_addresses("ул. Конституции Казахстана, д. 5")[0].external_id == "konstitucii-5"
        on = Outage.objects.get(kind="heating", ended_at__isnull=True)
        assert on.links.count() == 3 and on.buildings.count() > 50
        assert Outage.objects.filter(ended_at__isnull=False).count() == 1
        assert ObjectWork.objects.count() == 5
        assert not callback_queue().filter(pk=on.lead_appeal_id).exists()  # still on
        # The region's console gets the places at once (beat sends them again every 15 minutes).
        sent = Message.objects.filter(kind=RANKING_KIND, source_schema="petropavlovsk").latest("created_at")
        places = sent.payload["places"]
        assert places and places[0]["kind"] == "building" and places[0]["appeals"] >= places[-1]["appeals"]
    assert "already there" in seed_map(city)


def test_two_districts_get_a_smaller_map(tenants):
    for slug in ("kyzylzhar", "esil"):
        tenant = tenants[slug]
        seed_appeals(tenant, scale=0.02)  # the district's demo organisations
        assert f"{slug}: map 35 objects" in seed_map(tenant)
        with tenant_context(tenant):
            assert outside(tenant.boundary) == 0
            assert MapObject.objects.get(kind="boiler_house").served_links.count() == 16
            assert search_addresses("Мектеп көшесі 3")[0].external_id == f"{slug}-1-3"
