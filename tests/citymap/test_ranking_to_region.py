"""The akimat's places with the most appeals reach the region's console as `map.ranking`: the
whole list each time, the newest per akimat kept, merged across akimats by appeals."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from citymap.hotspots.publish import publish_ranking, ranking_payload
from citymap.links.actions import link_appeal_to_object
from federation.hotspots.kinds import RANKING_KIND
from federation.messaging.handlers import Envelope, registration_for
from federation.messaging.models import Message
from regional.models import PlaceRanking
from regional.rankings import apply_ranking, region_places
from tests.citymap.conftest import OPERATOR
from tests.citymap.test_hotspots import appeals  # noqa: F401  (the fixture)
from tests.consoles.region.test_region_console import speaking
from tests.regional.helpers import regional_client


def envelope_of(message: Message) -> Envelope:
    return Envelope(
        message_id=message.pk, kind=message.kind, schema_version=message.schema_version,
        source_schema=message.source_schema, target_schema=message.target_schema,
        ordering_key=message.ordering_key, sequence=message.sequence, payload=message.payload,
        attempt=1, created_at=message.created_at,
    )  # fmt: skip


def place(key: str, count: int, **names: str) -> dict:
    return {
        "key": key, "kind": "well", "kind_kk": "Құдық", "kind_ru": "Колодец",
        "name_kk": names.get("kk", key), "name_ru": names.get("ru", key),
        "organisation_kk": "Су", "organisation_ru": "Вода",
        "appeals": count, "open": count, "overdue": 0, "repeats": 0,
    }  # fmt: skip


def report(places: list[dict], *, minutes_ago: int = 0) -> dict:
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    since = at - datetime.timedelta(days=30)
    return {
        "computed_at": at.isoformat(),
        "since": since.isoformat(),
        "until": at.isoformat(),
        "places": places,
    }


def test_the_ranking_goes_to_the_region_and_shows_on_its_console(city, appeals, petropavlovsk):  # noqa: F811
    for appeal in appeals["heating"][:3]:
        link_appeal_to_object(OPERATOR, appeal.number, city["building:abaya-1"].pk)
    for appeal in appeals["heating"][3:] + appeals["old"]:  # the old one is outside the 30 days
        link_appeal_to_object(OPERATOR, appeal.number, city["building:abaya-2"].pk)
    payload = ranking_payload()
    assert [(p["key"], p["appeals"], p["open"]) for p in payload["places"]] == [
        ("building:abaya-1", 3, 3),
        ("building:abaya-2", 2, 2),
    ]
    assert payload["places"][0]["kind_ru"] == "Здание" and payload["places"][0]["name_ru"]
    sent = publish_ranking()
    message = Message.objects.get(pk=sent)
    assert (message.kind, message.target_schema) == (RANKING_KIND, get_public_schema_name())

    # What the region's handler does with it (the relay's delivery is the federation's tests').
    with schema_context(get_public_schema_name()):
        registration = registration_for(RANKING_KIND)
        registration.check_payload(message.payload, message.schema_version)
        registration.handler(envelope_of(message))
        kept = PlaceRanking.objects.get(schema="petropavlovsk")
        assert [p["key"] for p in kept.places] == ["building:abaya-1", "building:abaya-2"]
        # Another akimat's busier well ranks above them on the region's console.
        apply_ranking("kyzylzhar", report([place("well:k-7", 9, kk="Құдық К-7", ru="Колодец К-7")]))
        page = speaking(regional_client("places-viewer", "regional_viewer"), "ru").get("/region/")
    assert page.status_code == 200
    text = page.content.decode()
    rows = [text.index(f'data-place="{key}"') for key in (
        "kyzylzhar:well:k-7", "petropavlovsk:building:abaya-1", "petropavlovsk:building:abaya-2"
    )]  # fmt: skip
    assert rows == sorted(rows)
    assert "Колодец: Колодец К-7" in text and "Места с наибольшим числом обращений" in text
    connection.set_schema_to_public()


def test_an_older_report_changes_nothing_and_a_newer_one_replaces(tenants):
    with schema_context(get_public_schema_name()):
        assert apply_ranking("esil", report([place("well:a", 4)], minutes_ago=5))
        assert not apply_ranking("esil", report([place("well:old", 40)], minutes_ago=10))
        assert [p.place["key"] for p in region_places({"esil"})] == ["well:a"]
        assert apply_ranking("esil", report([place("well:b", 2), place("well:c", 1)]))
        assert [p.place["key"] for p in region_places({"esil"})] == ["well:b", "well:c"]
        # Only the akimats asked about (the active ones) are ranked.
        assert region_places({"kyzylzhar"}) == []
